package dev.gameagent.core.llm;

import java.util.Objects;

/**
 * How a streamed answer ended.
 *
 * @param finishReason the provider's finish reason, normalized: {@code stop}, {@code length},
 *     {@code tool_calls} or {@code content_filter}
 * @param usage token counts, or null when the provider sent none
 */
public record LlmCompletion(String finishReason, Usage usage) {
  public LlmCompletion {
    Objects.requireNonNull(finishReason, "finishReason == null");
  }
}
