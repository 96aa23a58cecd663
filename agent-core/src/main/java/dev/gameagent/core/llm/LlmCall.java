package dev.gameagent.core.llm;

/** A streaming call in flight. */
public interface LlmCall {

  /**
   * Stops the call: the upstream request is closed at once so no more tokens are paid for. When
   * this method returns, the handler receives no further callback, not even a terminal one.
   * Idempotent; a no-op after the terminal callback.
   */
  void cancel();
}
