package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gameagent.core.GameSession;
import dev.gameagent.protocol.ClientMessage;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The moment of a takeover, made deterministic on embedded channels: a turn of the session that
 * starts while the session is being bound to the new connection (a message the old connection was
 * already handling, as ChaosTest caught on a loaded machine) must reach the new connection after
 * its {@code session_started}.
 */
class TakeoverOrderTest {
  @TempDir Path logs;
  private final Logger sessionLog = (Logger) LoggerFactory.getLogger(GameSession.class);
  private EmbeddedServer server;

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  @Test
  void aTurnStartingDuringTheTakeoverReachesTheNewConnectionAfterSessionStarted() {
    server = new EmbeddedServer(logs);
    ServerContext context = server.context;
    Connection old = new Connection(context, server.channel());
    old.open(null);
    GameSession game = old.game();
    ClientMessage.InteractionEventMessage inFlight = (ClientMessage.InteractionEventMessage) context.codec().decode(
        "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Still there?\"}}", game::newEventId);
    // The old connection's message goes on while the session is bound to the new one: the session
    // logs "session attached" right after the binding.
    AppenderBase<ILoggingEvent> inTheMiddle = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (event.getFormattedMessage().startsWith("session attached")) {
          game.interact(inFlight.agentId(), inFlight.event());
        }
      }
    };
    inTheMiddle.start();
    sessionLog.addAppender(inTheMiddle);
    EmbeddedChannel channel = server.channel();
    try {
      new Connection(context, channel).open(game.id());
    } finally {
      sessionLog.detachAppender(inTheMiddle);
    }

    List<String> sent = EmbeddedServer.written(channel);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0)).contains("\"type\":\"session_started\"");
    assertThat(sent.get(1)).contains("\"type\":\"get_agent_state\"");
  }
}
