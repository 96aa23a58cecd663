package dev.gameagent.core.llm;

/**
 * The root of every failure an {@link LlmClient} reports. Subclasses say what the caller can do
 * about it; {@link #retryable()} says whether sending the same request again may succeed. Messages
 * are safe to show to a game client: they never carry an API key or a stack trace.
 */
public class LlmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final boolean retryable;

  public LlmException(String message, int status, boolean retryable, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.retryable = retryable;
  }

  public LlmException(String message, int status, boolean retryable) {
    this(message, status, retryable, null);
  }

  /** The provider's HTTP status, or 0 when the failure had none (timeout, I/O, bad stream). */
  public int status() {
    return status;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
