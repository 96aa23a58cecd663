package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.GameSession;
import dev.gameagent.protocol.ClientMessage;
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
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void aTurnStartingDuringTheTakeoverReachesTheNewConnectionAfterSessionStarted() {
    ServerContext context = context();
    EmbeddedChannel oldChannel = new EmbeddedChannel();
    closeables.add(oldChannel::finishAndReleaseAll);
    Connection old = new Connection(context, oldChannel);
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
    EmbeddedChannel channel = new EmbeddedChannel();
    closeables.add(channel::finishAndReleaseAll);
    try {
      new Connection(context, channel).open(game.id());
    } finally {
      sessionLog.detachAppender(inTheMiddle);
    }

    channel.runPendingTasks();
    List<String> sent = new ArrayList<>();
    for (TextWebSocketFrame f = channel.readOutbound(); f != null; f = channel.readOutbound()) {
      sent.add(f.text());
      f.release();
    }
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0)).contains("\"type\":\"session_started\"");
    assertThat(sent.get(1)).contains("\"type\":\"get_agent_state\"");
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
