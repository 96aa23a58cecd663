package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.protocol.ClientMessage;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Shutdown against a connection still opening, made deterministic on embedded channels: the
 * server ends the turns of every connection it holds, and one whose session is bound only after that
 * (a handshake just done, a session read back from disk, a takeover) must start no turn either, and
 * the shutdown must wait for the terminal message of a turn it ends then, or that message could
 * come after the close with 1001.
 */
class ShutdownOrderTest {
  @TempDir Path logs;
  private final Logger sessionLog = (Logger) LoggerFactory.getLogger(GameSession.class);
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

    CompletionStage<Void> shutdown = connection.shutdownTurns();
    assertThat(shutdown).isNotCompleted();
    connection.open(null);
    assertThat(shutdown).isCompleted();
    connection.onText("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Still there?\"}}");

    assertThat(server.context.engine().activeTurnCount()).isZero();
    assertThat(connection.game().history("brom")).singleElement().satisfies(e ->
        assertThat(((HistoryEntry.Event) e).disposition()).isEqualTo(HistoryEntry.Disposition.DROPPED));
    assertThat(EmbeddedServer.written(channel)).singleElement().asString().contains("\"type\":\"session_started\"");
  }

  /**
   * The shutdown passes both connections during a takeover: the old one is taken over already (its
   * session's turns are the new one's), the new one has no session yet. Then a message the old
   * connection was still handling starts a turn, which the new connection's {@link Connection#open}
   * ends once it binds the session: the close that waits for the shutdown goes out after that
   * turn's {@code agent_turn_interrupted}.
   */
  @Test
  void theShutdownWaitsForATurnTheOldConnectionStartedDuringATakeover() throws Exception {
    server = new EmbeddedServer(logs);
    ServerContext context = server.context;
    Connection old = new Connection(context, server.channel());
    old.open(null);
    GameSession game = old.game();
    ClientMessage.InteractionEventMessage inFlight = (ClientMessage.InteractionEventMessage) context.codec().decode(
        "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Still there?\"}}", game::newEventId);
    EmbeddedChannel channel = server.channel();
    Connection taker = new Connection(context, channel);
    AtomicReference<CompletableFuture<Void>> closed = new AtomicReference<>();
    // Right after the session is bound to the new connection ("session attached"), before open()
    // returns: the shutdown passes both connections, then the old connection's message starts a turn.
    AppenderBase<ILoggingEvent> inTheMiddle = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (event.getFormattedMessage().startsWith("session attached")) {
          CompletableFuture<Void> shutdown = CompletableFuture.allOf(
              old.shutdownTurns().toCompletableFuture(), taker.shutdownTurns().toCompletableFuture());
          game.interact(inFlight.agentId(), inFlight.event());
          // As AgentServer.close: the close with 1001 once the shutdown's terminal messages are handed over.
          closed.set(shutdown.thenRun(() -> taker.outbound().close(1001, "server shutting down")));
        }
      }
    };
    inTheMiddle.start();
    sessionLog.addAppender(inTheMiddle);
    try {
      taker.open(game.id());
    } finally {
      sessionLog.detachAppender(inTheMiddle);
    }

    closed.get().join();
    // The terminal message waits for its records on the log writer thread, which then hands it and
    // the close to the channel: a flush after them completes once both are queued.
    context.logStore().flush().join();
    List<String> sent = frames(channel);
    assertThat(sent).hasSize(4);
    assertThat(sent.get(0)).contains("\"type\":\"session_started\"");
    assertThat(sent.get(1)).contains("\"type\":\"get_agent_state\"");
    assertThat(sent.get(2)).contains("\"type\":\"agent_turn_interrupted\"", "\"reason\":\"shutdown\"");
    assertThat(sent.get(3)).isEqualTo("close 1001");
  }

  /** Runs the channel's pending tasks and returns what it wrote: the text, or {@code close CODE}. */
  private static List<String> frames(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<String> frames = new ArrayList<>();
    for (Object frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
      if (frame instanceof TextWebSocketFrame t) {
        frames.add(t.text());
      } else if (frame instanceof CloseWebSocketFrame c) {
        frames.add("close " + c.statusCode());
      }
      ReferenceCountUtil.release(frame);
    }
    return frames;
  }
}
