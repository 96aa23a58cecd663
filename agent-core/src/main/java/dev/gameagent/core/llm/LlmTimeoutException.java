package dev.gameagent.core.llm;

/** No first token before the deadline, or the stream went idle. Retryable. */
public class LlmTimeoutException extends LlmException {
  private static final long serialVersionUID = 1L;

  public LlmTimeoutException(String message, Throwable cause) {
    super(message, 0, true, cause);
  }

  public LlmTimeoutException(String message) {
    this(message, null);
  }
}
