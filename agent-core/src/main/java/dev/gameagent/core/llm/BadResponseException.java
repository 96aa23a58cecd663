package dev.gameagent.core.llm;

/** The provider answered with something that is not a valid stream: wrong content type, malformed JSON, an error object inside a 200 stream. Not retryable. */
public class BadResponseException extends LlmException {
  private static final long serialVersionUID = 1L;

  public BadResponseException(String message, int status, Throwable cause) {
    super(message, status, false, cause);
  }

  public BadResponseException(String message, int status) {
    this(message, status, null);
  }
}
