package dev.gameagent.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.GameSession;
import dev.gameagent.protocol.ClientMessage;
import dev.gameagent.protocol.ProtocolCodec;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * A server's context without its sockets, for {@link Connection}s on embedded channels: a test then
 * decides the order of every step. Its model never answers. Closes what it made.
 */
final class EmbeddedServer implements AutoCloseable {
  final ServerContext context;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  EmbeddedServer(Path logs) {
    ServerConfig config = ServerConfig.newBuilder().logsDir(logs).build();
    FileLogStore logStore = new FileLogStore(logs, Clock.systemUTC());
    AgentEngine engine = AgentEngine.builder().llmClient(new SilentLlm()).logStore(logStore).build();
    closeables.add(logStore::close);
    closeables.add(engine::close);
    context = new ServerContext(config, ProtocolCodec.newBuilder().build(), engine, logStore, Clock.systemUTC());
  }

  /** A channel released when this closes. */
  EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    closeables.add(channel::finishAndReleaseAll);
    return channel;
  }

  /** A connection on a channel of its own with a new session open: one that a takeover takes it from. */
  Connection openConnection() {
    Connection connection = new Connection(context, channel());
    connection.open(null);
    return connection;
  }

  /**
   * Has {@code taker} take over session {@code sessionId}, running {@code inTheMiddle} at the moment
   * the session is bound to it, before {@link Connection#open} returns (the session logs "session
   * attached" right then): when a message the old connection was still handling may start a turn.
   */
  static void takeOver(Connection taker, String sessionId, Runnable inTheMiddle) {
    Logger sessionLog = (Logger) LoggerFactory.getLogger(GameSession.class);
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (event.getFormattedMessage().startsWith("session attached")) {
          inTheMiddle.run();
        }
      }
    };
    appender.start();
    sessionLog.addAppender(appender);
    try {
      taker.open(sessionId);
    } finally {
      sessionLog.detachAppender(appender);
    }
  }

  /** Starts a turn for agent brom as an {@code interaction_event} would, on whichever connection the session has. */
  void interact(GameSession game) {
    ClientMessage.InteractionEventMessage m = (ClientMessage.InteractionEventMessage) context.codec().decode(
        "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Still there?\"}}",
        game::newEventId);
    game.interact(m.agentId(), m.event());
  }

  /**
   * Runs the channel's pending writes and returns the messages written, in order: a text message's
   * text, a close frame as {@code close CODE}.
   */
  static List<String> written(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<String> sent = new ArrayList<>();
    for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
      if (frame instanceof TextWebSocketFrame t) {
        sent.add(t.text());
      } else if (frame instanceof CloseWebSocketFrame c) {
        sent.add("close " + c.statusCode());
      }
      ReferenceCountUtil.release(frame);
    }
    return sent;
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }
}
