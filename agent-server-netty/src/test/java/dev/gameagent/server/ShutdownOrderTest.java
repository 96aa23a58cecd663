package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.protocol.ProtocolCodec;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void aSessionBoundAfterTheShutdownPassedItsConnectionStartsNoTurn() throws Exception {
    ServerContext context = context();
    EmbeddedChannel channel = new EmbeddedChannel();
    closeables.add(channel::finishAndReleaseAll);
    Connection connection = new Connection(context, channel);

    assertThat(connection.shutdownTurns()).isCompleted();
    connection.open(null);
    connection.onText("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Still there?\"}}");

    assertThat(context.engine().activeTurnCount()).isZero();
    assertThat(connection.game().history("brom")).singleElement().satisfies(e ->
        assertThat(((HistoryEntry.Event) e).disposition()).isEqualTo(HistoryEntry.Disposition.DROPPED));
    channel.runPendingTasks();
    List<String> sent = new ArrayList<>();
    for (TextWebSocketFrame f = channel.readOutbound(); f != null; f = channel.readOutbound()) {
      sent.add(WsClient.JSON.readTree(f.text()).path("type").asText());
      f.release();
    }
    assertThat(sent).containsExactly("session_started");
  }

  private ServerContext context() {
    ServerConfig config = ServerConfig.newBuilder().logsDir(logs).build();
    FileLogStore logStore = new FileLogStore(logs, Clock.systemUTC());
    AgentEngine engine = AgentEngine.builder().llmClient(new SilentLlm()).logStore(logStore).build();
    closeables.add(logStore::close);
    closeables.add(engine::close);
    return new ServerContext(config, ProtocolCodec.newBuilder().build(), engine, logStore, Clock.systemUTC());
  }
}
