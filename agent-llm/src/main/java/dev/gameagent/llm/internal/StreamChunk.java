package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.Usage;

/**
 * What one {@code chat.completion.chunk} carries for us.
 *
 * @param text answer text, or null
 * @param reasoning reasoning text, or null
 * @param finishReason the normalized finish reason, or null
 * @param usage token counts, or null
 * @param error the error the chunk reports instead, or null
 */
record StreamChunk(String text, String reasoning, String finishReason, Usage usage, LlmException error) {
  static StreamChunk failure(LlmException error) {
    return new StreamChunk(null, null, null, null, error);
  }
}
