package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void allowsABurstOfTwiceTheRateThenRefillsAtTheRate() {
    RateLimiter limiter = new RateLimiter(10, now::get);
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.tryAcquire()).as("message " + i).isTrue();
    }
    assertThat(limiter.tryAcquire()).isFalse();
    now.addAndGet(100_000_000L);
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    now.addAndGet(60_000_000_000L);
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
    }
    assertThat(limiter.tryAcquire()).isFalse();
  }

  @Test
  void zeroMeansNoLimit() {
    RateLimiter limiter = new RateLimiter(0, now::get);
    for (int i = 0; i < 100_000; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
    }
  }
}
