package dev.gameagent.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backoff with jitter, and the provider's requested wait in its three spellings. */
class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private final RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(400), Duration.ofSeconds(5));

  private static Duration retryAfter(Map<String, String> headers) {
    return RetryPolicy.retryAfter(name -> headers.get(name.toLowerCase(java.util.Locale.ROOT)), NOW);
  }

  @Test
  void backoffDoublesWithJitterWithinBounds() {
    for (int i = 0; i < 200; i++) {
      assertThat(policy.delayBefore(0, null)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(policy.delayBefore(1, null)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
      assertThat(policy.delayBefore(2, null)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1600));
    }
  }

  @Test
  void backoffIsCappedByTheMaximumDelay() {
    RetryPolicy many = new RetryPolicy(100, Duration.ofSeconds(1), Duration.ofSeconds(5));

    assertThat(many.delayBefore(60, null)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
  }

  @Test
  void noRetryOnceTheRetriesAreUsedUp() {
    assertThat(policy.delayBefore(3, null)).isNull();
    assertThat(new RetryPolicy(0, Duration.ofMillis(1), Duration.ofSeconds(1)).delayBefore(0, null)).isNull();
  }

  @Test
  void requestedWaitIsHonouredExactlyUnlessTooLong() {
    assertThat(policy.delayBefore(0, Duration.ofMillis(2500))).isEqualTo(Duration.ofMillis(2500));
    assertThat(policy.delayBefore(0, Duration.ofSeconds(6))).isNull();
  }

  @Test
  void retryAfterMsWinsOverRetryAfter() {
    assertThat(retryAfter(Map.of("retry-after-ms", "1500.5", "retry-after", "9"))).isEqualTo(Duration.ofMillis(1501));
  }

  @Test
  void retryAfterInSeconds() {
    assertThat(retryAfter(Map.of("retry-after", "2"))).isEqualTo(Duration.ofSeconds(2));
    assertThat(retryAfter(Map.of("retry-after", "0.25"))).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void retryAfterAsAnHttpDate() {
    assertThat(retryAfter(Map.of("retry-after", "Fri, 02 Jan 2026 03:04:35 GMT"))).isEqualTo(Duration.ofSeconds(30));
    assertThat(retryAfter(Map.of("retry-after", "Fri, 02 Jan 2026 03:00:00 GMT"))).isEqualTo(Duration.ZERO);
  }

  @Test
  void unreadableOrMissingRetryAfterIsNull() {
    assertThat(retryAfter(Map.of())).isNull();
    assertThat(retryAfter(Map.of("retry-after", "soon"))).isNull();
    assertThat(retryAfter(Map.of("retry-after-ms", "-5"))).isNull();
  }
}
