package dev.gameagent.core;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.parser.TagParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;

/**
 * One turn of one agent, from acceptance to its terminal event, and afterwards the record that
 * {@code agent_turn_result} and {@code tool_results} are checked against.
 *
 * <p>Not thread-safe: every field is guarded by the owning {@link AgentState}'s lock. The turn is
 * current while {@link #phase} is not {@link Phase#ENDED}; every callback checks that under the
 * lock, so nothing is reported after the terminal event.
 */
final class Turn {

  enum Phase {
    /** Accepted; waiting for the game's state reply (or its timeout). */
    AWAITING_STATE,
    /** The prompt is built and the model is streaming. */
    STREAMING,
    /** The terminal event was reported (or the turn was ended silently by a detach). */
    ENDED
  }

  final String id;
  /** The interaction event's id; for a continuation, the original event's. */
  final String eventId;
  final TurnEvent.Cause cause;
  /**
   * The history entry the turn answers, last in its prompt: the interaction event, or for a
   * continuation the tool results.
   */
  final HistoryEntry activeEntry;
  /** 0 for a turn caused by an interaction event, n for the n-th continuation in a row. */
  final int depth;
  /** Where the turn's state request and events go; null once the turn ended. */
  Connection connection;
  /** The agent's reset count when the turn began; a state reply caches its spec only if unchanged. */
  final long resetEpoch;
  final long acceptedNanos;

  Phase phase = Phase.AWAITING_STATE;
  ScheduledFuture<?> stateTimeout;
  /** The provider's answer while it is awaited, so the engine can cancel it when no longer wanted. */
  CompletionStage<AgentSpec> pendingState;
  long stateNanos = -1;
  long firstTokenNanos = -1;
  /** While streaming: when the client last called back (or the stream started); read by the {@link StreamIdleWatch}. */
  volatile long lastLlmCallbackNanos;

  /** The spec the prompt was built from; null until then. */
  AgentSpec spec;
  TagParser parser;
  LlmCall call;
  History.Slot slot;

  /** The tag open right now, between its open and close events: its name (null when none), index, attributes and content so far. */
  String openTag;
  int openIndex;
  Map<String, String> openAttributes = Map.of();
  final StringBuilder openContent = new StringBuilder();
  /** Every tag closed and sent, in order: the turn's tags when tool results confirm it. */
  final List<ConfirmedTag> sentTags = new ArrayList<>();
  boolean toolCallSent;

  boolean confirmed;
  boolean toolResultsSubmitted;

  Turn(String id, String eventId, TurnEvent.Cause cause, HistoryEntry activeEntry,
      int depth, Connection connection, long resetEpoch, long acceptedNanos) {
    this.id = id;
    this.eventId = eventId;
    this.cause = cause;
    this.activeEntry = activeEntry;
    this.depth = depth;
    this.connection = connection;
    this.resetEpoch = resetEpoch;
    this.acceptedNanos = acceptedNanos;
  }

  /** Records that a tag opened; its content is collected until it closes. */
  void opened(int index, String tag, Map<String, String> attributes) {
    openTag = tag;
    openIndex = index;
    openAttributes = attributes;
    openContent.setLength(0);
  }
}
