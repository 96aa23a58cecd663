package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.GameSession;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The moment of a takeover, made deterministic on embedded channels: a turn of the session that
 * starts while the session is being bound to the new connection (a message the old connection was
 * already handling, as ChaosTest caught on a loaded machine) must reach the new connection after
 * its {@code session_started}.
 */
class TakeoverOrderTest {
  @TempDir Path logs;
  private EmbeddedServer server;

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  @Test
  void aTurnStartingDuringTheTakeoverReachesTheNewConnectionAfterSessionStarted() {
    server = new EmbeddedServer(logs);
    GameSession game = server.openConnection().game();
    EmbeddedChannel channel = server.channel();
    // The old connection's message goes on while the session is bound to the new one.
    EmbeddedServer.takeOver(new Connection(server.context, channel), game.id(), () -> server.interact(game));

    List<String> sent = EmbeddedServer.written(channel);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0)).contains("\"type\":\"session_started\"");
    assertThat(sent.get(1)).contains("\"type\":\"get_agent_state\"");
  }
}
