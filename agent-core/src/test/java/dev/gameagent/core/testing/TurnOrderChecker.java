package dev.gameagent.core.testing;

import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.TurnListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks streams of {@link TurnEvent}s against the protocol's turn lifecycle invariants, turn by
 * turn: at most one {@code Started}, before any tag event; tag events well nested (every open i
 * followed by chunks i and exactly one close i before open i+1), indexes from 0 without gaps, chunks
 * non-empty and concatenating to the close's content; exactly one terminal event, last; a
 * {@code Finished} never leaves a tag open (an {@code Interrupted} may); a {@code Finished} carries
 * an error exactly when its finish reason is {@code error}. Optionally, per agent, that turns do not
 * overlap: a turn's first event comes after the previous turn's terminal event (what one engine
 * session guarantees; the invariant that makes "old Interrupted before new Started" hold).
 *
 * <p>Feed it events as they are delivered ({@link #accept}, or use it as a {@link TurnListener});
 * server tests can feed it {@code TurnEvent}s decoded from frames. Thread-safe: events are checked
 * in the order {@code accept} is called, which for one agent is the delivery order when the caller
 * is a listener. Violations are collected, never thrown while checking; {@link #assertValid()}
 * throws them all at once.
 */
public final class TurnOrderChecker implements TurnListener {
  private static final Set<String> FINISH_REASONS = Set.of("stop", "length", "tool_calls", "content_filter", "error");

  private final boolean agentsSequential;
  private final Map<String, TurnTrace> turns = new LinkedHashMap<>();
  private final Map<String, TurnTrace> liveByAgent = new LinkedHashMap<>();
  private final List<String> violations = new ArrayList<>();
  private int eventCount;

  /** A checker that also requires one agent's turns not to overlap. */
  public TurnOrderChecker() {
    this(true);
  }

  /** @param agentsSequential whether one agent's turns must not overlap */
  public TurnOrderChecker(boolean agentsSequential) {
    this.agentsSequential = agentsSequential;
  }

  @Override
  public void onEvent(TurnEvent event) {
    accept(event);
  }

  /** Checks the next event. */
  public synchronized void accept(TurnEvent event) {
    Objects.requireNonNull(event, "event == null");
    eventCount++;
    TurnTrace turn = turns.computeIfAbsent(key(event.agentId(), event.turnId()),
        k -> new TurnTrace(event.agentId(), event.turnId()));
    turn.events.add(event);
    if (agentsSequential) {
      checkAgentSequence(turn, event);
    }
    if (turn.terminal != null) {
      violation(turn, event, "event after the terminal event " + turn.terminal);
      return;
    }
    if (event instanceof TurnEvent.Started) {
      if (turn.started) {
        // a tag event before Started already counted as the turn's start, so this is a second one
        violation(turn, event, "second Started");
      }
      turn.started = true;
    } else if (event instanceof TurnEvent.TagOpen open) {
      checkStartedBeforeTags(turn, event);
      if (turn.openIndex >= 0) {
        violation(turn, event, "open of tag " + open.index() + " while tag " + turn.openIndex + " is open");
      }
      if (open.index() != turn.nextIndex) {
        violation(turn, event, "tag index " + open.index() + ", expected " + turn.nextIndex);
      }
      turn.openIndex = open.index();
      turn.openTag = open.tag();
      turn.nextIndex = Math.max(turn.nextIndex, open.index()) + 1;
      turn.chunks.setLength(0);
    } else if (event instanceof TurnEvent.TagChunk chunk) {
      checkStartedBeforeTags(turn, event);
      checkOpenTag(turn, event, chunk.index(), chunk.tag());
      if (chunk.text() == null || chunk.text().isEmpty()) {
        violation(turn, event, "empty chunk");
      } else {
        turn.chunks.append(chunk.text());
      }
    } else if (event instanceof TurnEvent.TagClose close) {
      checkStartedBeforeTags(turn, event);
      checkOpenTag(turn, event, close.index(), close.tag());
      if (!turn.chunks.toString().equals(close.content())) {
        violation(turn, event, "chunks concatenate to \"" + turn.chunks + "\", content is \"" + close.content() + "\"");
      }
      turn.openIndex = -1;
      turn.openTag = null;
      turn.chunks.setLength(0);
    } else if (event instanceof TurnEvent.Finished finished) {
      if (turn.openIndex >= 0) {
        violation(turn, event, "Finished while tag " + turn.openIndex + " is open");
      }
      if (!FINISH_REASONS.contains(finished.finishReason())) {
        violation(turn, event, "unknown finish reason " + finished.finishReason());
      }
      if ("error".equals(finished.finishReason()) != (finished.error() != null)) {
        violation(turn, event, "finish reason " + finished.finishReason() + " with error " + finished.error());
      }
      if (finished.timing() == null) {
        violation(turn, event, "Finished without timing");
      }
      turn.terminal = event;
    } else if (event instanceof TurnEvent.Interrupted interrupted) {
      if (interrupted.reason() == null) {
        violation(turn, event, "Interrupted without a reason");
      }
      turn.terminal = event;
    }
  }

  /** The violations found so far, in order. */
  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /** Throws an {@link AssertionError} listing every violation found so far. */
  public void assertValid() {
    List<String> found = violations();
    if (!found.isEmpty()) {
      throw new AssertionError(found.size() + " turn order violation(s):\n  " + String.join("\n  ", found));
    }
  }

  /** Asserts that every turn seen so far has its terminal event, and that no violation was found. */
  public synchronized void assertAllEnded() {
    assertValid();
    List<String> open = new ArrayList<>();
    for (TurnTrace turn : turns.values()) {
      if (turn.terminal == null) {
        open.add(turn.agentId + "/" + turn.turnId + " " + turn.events);
      }
    }
    if (!open.isEmpty()) {
      throw new AssertionError(open.size() + " turn(s) without a terminal event:\n  " + String.join("\n  ", open));
    }
  }

  /** Asserts that each of these turns of the agent reached exactly one terminal event, and no violation. */
  public synchronized void assertEnded(String agentId, Collection<String> turnIds) {
    assertValid();
    for (String turnId : turnIds) {
      if (terminal(agentId, turnId) == null) {
        throw new AssertionError("turn " + agentId + "/" + turnId + " has no terminal event: " + events(agentId, turnId));
      }
    }
  }

  /** The turn's terminal event, or null while it has none. */
  public synchronized TurnEvent terminal(String agentId, String turnId) {
    TurnTrace turn = turns.get(key(agentId, turnId));
    return turn == null ? null : turn.terminal;
  }

  /** The turn's events so far, in order; empty for an unseen turn. */
  public synchronized List<TurnEvent> events(String agentId, String turnId) {
    TurnTrace turn = turns.get(key(agentId, turnId));
    return turn == null ? List.of() : List.copyOf(turn.events);
  }

  /** How many distinct turns were seen. */
  public synchronized int turnCount() {
    return turns.size();
  }

  /** How many turns were seen with a terminal event. */
  public synchronized int endedTurnCount() {
    int n = 0;
    for (TurnTrace turn : turns.values()) {
      if (turn.terminal != null) {
        n++;
      }
    }
    return n;
  }

  public synchronized int eventCount() {
    return eventCount;
  }

  private void checkAgentSequence(TurnTrace turn, TurnEvent event) {
    TurnTrace live = liveByAgent.get(turn.agentId);
    if (live != null && live != turn) {
      violation(turn, event, "event while turn " + live.turnId + " of the same agent has not ended");
    }
    if (event.terminal()) {
      if (live == turn) {
        liveByAgent.remove(turn.agentId);
      }
    } else if (turn.terminal == null) {
      liveByAgent.put(turn.agentId, turn);
    }
  }

  private void checkStartedBeforeTags(TurnTrace turn, TurnEvent event) {
    if (!turn.started) {
      violation(turn, event, "tag event before Started");
      turn.started = true; // report once per turn
    }
  }

  private void checkOpenTag(TurnTrace turn, TurnEvent event, int index, String tag) {
    if (turn.openIndex < 0) {
      violation(turn, event, "tag event for index " + index + " with no tag open");
    } else if (index != turn.openIndex || !Objects.equals(tag, turn.openTag)) {
      violation(turn, event, "tag event for " + tag + "#" + index + " while " + turn.openTag + "#" + turn.openIndex + " is open");
    }
  }

  private void violation(TurnTrace turn, TurnEvent event, String what) {
    violations.add(turn.agentId + "/" + turn.turnId + " event #" + turn.events.size() + " " + event + ": " + what);
  }

  private static String key(String agentId, String turnId) {
    return agentId + '\u0000' + turnId;
  }

  /** What the checker remembers of one turn. */
  private static final class TurnTrace {
    final String agentId;
    final String turnId;
    final List<TurnEvent> events = new ArrayList<>();
    final StringBuilder chunks = new StringBuilder();
    boolean started;
    int nextIndex;
    int openIndex = -1;
    String openTag;
    TurnEvent terminal;

    TurnTrace(String agentId, String turnId) {
      this.agentId = agentId;
      this.turnId = turnId;
    }
  }
}
