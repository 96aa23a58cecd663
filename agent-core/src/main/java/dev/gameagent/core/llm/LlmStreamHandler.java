package dev.gameagent.core.llm;

/**
 * Receives one streamed answer. Only the terminal callbacks are abstract. Calls are made one at a
 * time; after a terminal call, no further calls are made. A handler that throws from a partial
 * callback has its exception routed to {@link #onError}.
 */
public interface LlmStreamHandler {

  /** A piece of the answer's visible text, never empty. */
  default void onText(String delta) {}

  /** A piece of the model's reasoning ({@code reasoning_content}), never part of the answer. */
  default void onReasoning(String delta) {}

  /** The stream ended normally. */
  void onComplete(LlmCompletion completion);

  /** The stream failed; nothing more arrives. */
  void onError(LlmException error);
}
