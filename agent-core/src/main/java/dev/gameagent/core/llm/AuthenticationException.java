package dev.gameagent.core.llm;

/** The provider refused the credentials (HTTP 401 or 403). Not retryable. */
public class AuthenticationException extends LlmException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message, int status, Throwable cause) {
    super(message, status, false, cause);
  }

  public AuthenticationException(String message, int status) {
    this(message, status, null);
  }
}
