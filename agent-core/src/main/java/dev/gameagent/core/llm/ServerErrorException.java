package dev.gameagent.core.llm;

/** The provider failed (HTTP 5xx). Retryable. */
public class ServerErrorException extends LlmException {
  private static final long serialVersionUID = 1L;

  public ServerErrorException(String message, int status, Throwable cause) {
    super(message, status, true, cause);
  }

  public ServerErrorException(String message, int status) {
    this(message, status, null);
  }
}
