package dev.gameagent.core.llm;

/**
 * A language model that streams its answer. Implementations must be thread-safe: one client serves
 * every turn of every session at once.
 */
public interface LlmClient {

  /**
   * Starts streaming {@code request} to {@code handler} and returns at once. Callbacks arrive on the
   * client's own threads, one at a time and in order, ending with exactly one terminal call
   * ({@link LlmStreamHandler#onComplete} or {@link LlmStreamHandler#onError}), unless the returned
   * call is cancelled first. This method never throws for provider failures; those reach
   * {@link LlmStreamHandler#onError}.
   */
  LlmCall stream(LlmRequest request, LlmStreamHandler handler);

  /** A short name for logs and the {@code agent_turn_started.model} fallback, e.g. {@code "openai"}. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** The model that serves {@code request}, for {@code agent_turn_started.model}. */
  default String modelFor(LlmRequest request) {
    return request.model() != null ? request.model() : name();
  }
}
