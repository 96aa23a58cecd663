package dev.gameagent.llm.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * When to retry: exponential backoff with jitter, honouring the provider's {@code Retry-After-Ms} or
 * {@code Retry-After} (seconds or an HTTP date). Immutable and thread-safe.
 */
final class RetryPolicy {
  private final int maxRetries;
  private final Duration baseDelay;
  private final Duration maxDelay;

  RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {
    this.maxRetries = maxRetries;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /**
   * The wait before retry number {@code retry} (0 for the first retry), or null when no retry should
   * be made: the retries are used up, or the provider asked for a longer wait than the maximum.
   *
   * @param retryAfter the provider's requested wait, or null
   */
  Duration delayBefore(int retry, Duration retryAfter) {
    if (retry >= maxRetries) {
      return null;
    }
    if (retryAfter != null) {
      return retryAfter.compareTo(maxDelay) > 0 ? null : retryAfter;
    }
    long base = baseDelay.toMillis() << Math.min(retry, 20);
    long capped = Math.min(base, maxDelay.toMillis());
    // Equal jitter: half fixed, half random, so retries of many NPCs don't arrive together.
    long half = capped / 2;
    long jitter = half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1);
    return Duration.ofMillis(capped - half + jitter);
  }

  /**
   * Reads the requested wait from response headers: {@code retry-after-ms} (milliseconds), else
   * {@code Retry-After} as seconds or an HTTP date. Returns null when absent or unreadable.
   *
   * @param header looks up a header by name, case-insensitively; returns null when absent
   */
  static Duration retryAfter(Function<String, String> header, Instant now) {
    String ms = header.apply("retry-after-ms");
    if (ms != null) {
      try {
        double v = Double.parseDouble(ms.trim());
        if (v >= 0 && !Double.isInfinite(v)) {
          return Duration.ofMillis((long) Math.ceil(v));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String value = header.apply("retry-after");
    if (value == null || value.isBlank()) {
      return null;
    }
    value = value.trim();
    try {
      double seconds = Double.parseDouble(value);
      return seconds >= 0 && !Double.isInfinite(seconds) ? Duration.ofMillis((long) Math.ceil(seconds * 1000)) : null;
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
