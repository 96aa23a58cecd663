package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.HistoryEntry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutdown against a connection still opening, made deterministic on an embedded channel: the
 * server ends the turns of every connection it holds, and one whose session is bound only after that
 * (a handshake just done, a session read back from disk) must start no turn either, or that turn's
 * terminal message could come after the close with 1001.
 */
class ShutdownOrderTest {
  @TempDir Path logs;
  private EmbeddedServer server;

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  @Test
  void aSessionBoundAfterTheShutdownPassedItsConnectionStartsNoTurn() {
    server = new EmbeddedServer(logs);
    EmbeddedChannel channel = server.channel();
    Connection connection = new Connection(server.context, channel);

    assertThat(connection.shutdownTurns()).isCompleted();
    connection.open(null);
    connection.onText("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Still there?\"}}");

    assertThat(server.context.engine().activeTurnCount()).isZero();
    assertThat(connection.game().history("brom")).singleElement().satisfies(e ->
        assertThat(((HistoryEntry.Event) e).disposition()).isEqualTo(HistoryEntry.Disposition.DROPPED));
    assertThat(EmbeddedServer.written(channel)).singleElement().asString().contains("\"type\":\"session_started\"");
  }
}
