package dev.gameagent.server;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code perSecond} messages a second on average, bursts up to twice that. Not
 * thread-safe: one per connection, used on its event loop.
 */
final class RateLimiter {
  private final double perNano;
  private final double capacity;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  /** @param perSecond the sustained rate; 0 turns limiting off */
  RateLimiter(int perSecond, LongSupplier nanoTime) {
    this.perNano = perSecond / 1e9;
    this.capacity = 2.0 * perSecond;
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.last = nanoTime.getAsLong();
  }

  /** Takes one token; false when the bucket is empty (or never, when limiting is off). */
  boolean tryAcquire() {
    if (capacity == 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
