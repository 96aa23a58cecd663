package dev.gameagent.core.llm;

/** The provider rejected the request itself (HTTP 400, 413, 422 and other 4xx). Not retryable. */
public class InvalidRequestException extends LlmException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message, int status, Throwable cause) {
    super(message, status, false, cause);
  }

  public InvalidRequestException(String message, int status) {
    this(message, status, null);
  }
}
