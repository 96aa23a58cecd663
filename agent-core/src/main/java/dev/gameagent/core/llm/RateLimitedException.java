package dev.gameagent.core.llm;

import java.time.Duration;

/** The provider is rate limiting (HTTP 429). Retryable after {@link #retryAfter()}. */
public class RateLimitedException extends LlmException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  /** @param retryAfter the provider's requested wait, or null when it named none */
  public RateLimitedException(String message, Duration retryAfter, Throwable cause) {
    super(message, 429, true, cause);
    this.retryAfter = retryAfter;
  }

  public RateLimitedException(String message, Duration retryAfter) {
    this(message, retryAfter, null);
  }

  /** The wait the provider asked for, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
