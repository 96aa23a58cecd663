package dev.gameagent.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded memo of rendered prompt text. Bounded both in entries and in the characters it holds,
 * so a game sending huge specs or tool outputs cannot make it grow without limit; when either
 * bound is passed it is emptied, which only costs re-rendering. Lock-free reads; thread-safe. The
 * bounds are approximate under concurrent puts.
 */
final class RenderCache<K, V> {
  private final int maxEntries;
  private final long maxChars;
  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
  private final AtomicLong chars = new AtomicLong();

  RenderCache(int maxEntries, long maxChars) {
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
  }

  V get(K key) {
    return map.get(key);
  }

  /** Remembers {@code value}, which holds about {@code size} characters. */
  void put(K key, V value, long size) {
    if (size > maxChars) {
      return;
    }
    if (map.size() >= maxEntries || chars.addAndGet(size) > maxChars) {
      map.clear();
      chars.set(size);
    }
    map.put(key, value);
  }
}
