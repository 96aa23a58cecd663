package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.GameSession;
import dev.gameagent.core.HistoryEntry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutdown against a connection still opening, made deterministic on embedded channels: the
 * server ends the turns of every connection it holds, and one whose session is bound only after that
 * (a handshake just done, a session read back from disk, a takeover) must start no turn either, and
 * the shutdown must wait for the terminal message of a turn it ends then, or that message could
 * come after the close with 1001.
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
  void theShutdownWaitsForATurnTheOldConnectionStartedDuringATakeover() {
    server = new EmbeddedServer(logs);
    Connection old = server.openConnection();
    GameSession game = old.game();
    EmbeddedChannel channel = server.channel();
    Connection taker = new Connection(server.context, channel);
    AtomicReference<CompletableFuture<Void>> closed = new AtomicReference<>();
    EmbeddedServer.takeOver(taker, game.id(), () -> {
      CompletableFuture<Void> shutdown = CompletableFuture.allOf(
          old.shutdownTurns().toCompletableFuture(), taker.shutdownTurns().toCompletableFuture());
      server.interact(game);
      // As AgentServer.close: the close with 1001 once the shutdown's terminal messages are handed over.
      closed.set(shutdown.thenRun(() -> taker.outbound().close(1001, "server shutting down")));
    });

    closed.get().join();
    // The terminal message waits for its records on the log writer thread, which then hands it and
    // the close to the channel: a flush after them completes once both are queued.
    server.context.logStore().flush().join();
    List<String> sent = EmbeddedServer.written(channel);
    assertThat(sent).hasSize(4);
    assertThat(sent.get(0)).contains("\"type\":\"session_started\"");
    assertThat(sent.get(1)).contains("\"type\":\"get_agent_state\"");
    assertThat(sent.get(2)).contains("\"type\":\"agent_turn_interrupted\"", "\"reason\":\"shutdown\"");
    assertThat(sent.get(3)).isEqualTo("close 1001");
  }
}
