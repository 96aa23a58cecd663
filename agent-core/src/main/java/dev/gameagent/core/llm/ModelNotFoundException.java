package dev.gameagent.core.llm;

/** The provider does not know the model or endpoint (HTTP 404). Not retryable. */
public class ModelNotFoundException extends LlmException {
  private static final long serialVersionUID = 1L;

  public ModelNotFoundException(String message, int status, Throwable cause) {
    super(message, status, false, cause);
  }

  public ModelNotFoundException(String message, int status) {
    this(message, status, null);
  }
}
