package dev.gameagent.examples.embedded;

import dev.gameagent.core.AgentRequestException;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.TurnListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The game's side of a turn: what a game does with the events the engine streams. It prints
 * Brom's speech as it arrives (the player reads it while the model is still writing), plays his
 * emotions and actions in the {@link TownWorld}, and when the turn ends tells the session what the
 * player actually saw with {@link GameSession#confirmTurn}; that, not the raw model output, is what
 * Brom will remember.
 *
 * <p>Threading: the engine calls {@link #onEvent} from its own threads, one event at a time per
 * agent and in order; it must not block. The game's thread waits for turns with
 * {@link #midSpeech} and {@link #awaitEnd}; a turn is kept until it has been waited for.
 */
final class NpcPresenter implements TurnListener {
  /** About three words. */
  private static final int MID_SPEECH_CHARS = 16;

  private final TownWorld world;
  private final PrintStream out;
  private final TurnListener spectator;
  private final ConcurrentMap<String, TurnProgress> turns = new ConcurrentHashMap<>();
  private volatile GameSession session;

  /**
   * @param spectator also receives every event, first (tests watch the turns through it); its
   *     exceptions are not caught here
   */
  NpcPresenter(TownWorld world, PrintStream out, TurnListener spectator) {
    this.world = Objects.requireNonNull(world, "world == null");
    this.out = Objects.requireNonNull(out, "out == null");
    this.spectator = Objects.requireNonNull(spectator, "spectator == null");
  }

  /** The session to confirm turns with; set before the first event is sent. */
  void attach(GameSession session) {
    this.session = Objects.requireNonNull(session, "session == null");
  }

  /** Completes once the NPC is a few words into the turn's speech, or at the turn's end. */
  CompletableFuture<Void> midSpeech(String agentId, String turnId) {
    return progress(agentId, turnId).midSpeech;
  }

  /**
   * Waits until the turn has ended and been confirmed, then forgets it.
   *
   * @return the turn's terminal event
   * @throws TimeoutException when the turn has not ended within {@code timeout}
   */
  TurnEvent awaitEnd(String agentId, String turnId, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    TurnEvent terminal = progress(agentId, turnId).ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    turns.remove(key(agentId, turnId));
    return terminal;
  }

  @Override
  public void onEvent(TurnEvent event) {
    spectator.onEvent(event);
    TurnProgress turn = progress(event.agentId(), event.turnId());
    if (event instanceof TurnEvent.TagOpen open) {
      turn.open = open;
      turn.openText.setLength(0);
      if (open.tag().equals("speech")) {
        out.print("Brom: ");
      }
    } else if (event instanceof TurnEvent.TagChunk chunk) {
      turn.openText.append(chunk.text());
      if (chunk.tag().equals("speech")) {
        out.print(chunk.text());
        out.flush();
        if (turn.openText.length() >= MID_SPEECH_CHARS) {
          turn.midSpeech.complete(null);
        }
      }
    } else if (event instanceof TurnEvent.TagClose close) {
      turn.performed.add(new ConfirmedTag(close.tag(), turn.open.attributes(), close.content()));
      show(close, turn.open.attributes());
      turn.open = null;
    } else if (event instanceof TurnEvent.Interrupted interrupted) {
      if (turn.open != null && turn.openText.length() > 0) {
        // The player heard the first words of an answer that was cut off: they belong in his memory.
        out.println(" —");
        turn.performed.add(new ConfirmedTag(turn.open.tag(), turn.open.attributes(), turn.openText.toString()));
      }
      out.println("   (Brom is cut off: " + interrupted.reason().wireName() + ")");
      end(turn, event, true);
    } else if (event instanceof TurnEvent.Finished finished) {
      if (finished.error() != null) {
        out.println("   (Brom says nothing: " + finished.error().code().wireName() + ", " + finished.error().message() + ")");
      }
      end(turn, event, false);
    }
  }

  /** Plays a closed tag in the game. */
  private void show(TurnEvent.TagClose close, Map<String, String> attributes) {
    switch (close.tag()) {
      case "speech" -> out.println();
      case "emotion" -> out.println("   (" + world.feel(close.content()) + ")");
      case "action" -> out.println("   *" + world.perform(attributes.getOrDefault("name", "")) + "*");
      default -> out.println("   [" + close.tag() + "] " + close.content());
    }
  }

  private void end(TurnProgress turn, TurnEvent terminal, boolean interrupted) {
    try {
      session.confirmTurn(terminal.agentId(), terminal.turnId(), turn.performed, interrupted);
    } catch (AgentRequestException e) {
      out.println("   (could not confirm turn " + terminal.turnId() + ": " + e.getMessage() + ")");
    }
    turn.midSpeech.complete(null);
    turn.ended.complete(terminal);
  }

  private TurnProgress progress(String agentId, String turnId) {
    return turns.computeIfAbsent(key(agentId, turnId), k -> new TurnProgress());
  }

  private static String key(String agentId, String turnId) {
    return agentId + "\u0000" + turnId;
  }

  /** What the player has seen of one turn so far. */
  private static final class TurnProgress {
    final List<ConfirmedTag> performed = new ArrayList<>();
    final StringBuilder openText = new StringBuilder();
    final CompletableFuture<Void> midSpeech = new CompletableFuture<>();
    final CompletableFuture<TurnEvent> ended = new CompletableFuture<>();
    TurnEvent.TagOpen open;
  }
}
