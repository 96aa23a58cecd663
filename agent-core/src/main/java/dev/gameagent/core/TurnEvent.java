package dev.gameagent.core;

import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened in one turn, reported to a {@link TurnListener} in protocol order. The
 * records mirror the protocol's {@code agent_turn_*} and {@code agent_tag_*} messages.
 */
public sealed interface TurnEvent {

  String agentId();

  String turnId();

  /** Whether this is the turn's last event ({@link Finished} or {@link Interrupted}). */
  default boolean terminal() {
    return false;
  }

  /** Why a turn ran. */
  enum Cause {
    INTERACTION_EVENT, TOOL_RESULTS;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why a turn was interrupted. */
  enum InterruptReason {
    SUPERSEDED, CANCELLED, SHUTDOWN;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Prompt figures for {@code agent_turn_started.prompt}. */
  record PromptStats(int messageCount, int historyIncluded, int historyDropped, int estimatedTokens) {}

  /**
   * Turn timings in milliseconds, all measured from the moment the event was accepted (the
   * player's wait): until the state was known ({@code stateMs}), until the model's first text
   * ({@code firstTokenMs}), until the terminal event ({@code totalMs}). -1 for what did not happen.
   */
  record Timing(long stateMs, long firstTokenMs, long totalMs) {}

  /** Why a turn failed: {@code state_timeout}, {@code llm_error} (with the provider's status) or {@code internal}. */
  record TurnError(ErrorCode code, String message, Integer status) {
    public TurnError {
      Objects.requireNonNull(code, "code == null");
      Objects.requireNonNull(message, "message == null");
    }
  }

  record Started(String agentId, String turnId, String eventId, Cause cause, String model, PromptStats prompt)
      implements TurnEvent {}

  record TagOpen(String agentId, String turnId, int index, String tag, Map<String, String> attributes)
      implements TurnEvent {
    public TagOpen {
      attributes = attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
  }

  record TagChunk(String agentId, String turnId, int index, String tag, String text) implements TurnEvent {}

  record TagClose(String agentId, String turnId, int index, String tag, String content, boolean complete)
      implements TurnEvent {}

  record Interrupted(String agentId, String turnId, InterruptReason reason, String byEventId) implements TurnEvent {
    @Override
    public boolean terminal() {
      return true;
    }
  }

  /**
   * @param finishReason {@code stop}, {@code length}, {@code tool_calls} (exactly when the turn sent a
   *     tool call and did not fail), {@code content_filter} or {@code error}
   * @param usage null when the provider reported none
   * @param error null unless {@code finishReason} is {@code error}
   */
  record Finished(String agentId, String turnId, String finishReason, Usage usage, Timing timing,
      List<TagRejection> rejected, TurnError error) implements TurnEvent {
    public Finished {
      rejected = List.copyOf(rejected);
    }

    @Override
    public boolean terminal() {
      return true;
    }
  }
}
