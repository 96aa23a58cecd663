package dev.gameagent.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a session's ids: turn ids {@code t-1, t-2, ...}, state request ids {@code s-1, ...} and
 * event ids {@code e-1, ...}, each unique in the session. Thread-safe.
 */
final class IdGenerator {
  private final AtomicLong turns = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong events = new AtomicLong();

  String nextTurnId() {
    return "t-" + turns.incrementAndGet();
  }

  String nextRequestId() {
    return "s-" + requests.incrementAndGet();
  }

  String nextEventId() {
    return "e-" + events.incrementAndGet();
  }

  /** Makes later turn ids follow {@code id} when it is one of ours ({@code t-N}); ignores any other id. */
  void advancePastTurnId(String id) {
    advancePast(turns, "t-", id);
  }

  /** Makes later event ids follow {@code id} when it is one of ours ({@code e-N}); ignores any other id. */
  void advancePastEventId(String id) {
    advancePast(events, "e-", id);
  }

  private static void advancePast(AtomicLong counter, String prefix, String id) {
    if (id == null || !id.startsWith(prefix) || id.length() == prefix.length() || id.length() > prefix.length() + 18) {
      return;
    }
    long n = 0;
    for (int i = prefix.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return;
      }
      n = n * 10 + (c - '0');
    }
    counter.accumulateAndGet(n, Math::max);
  }

  /** A new unguessable session id: 128 random bits as 32 lowercase hex digits. */
  static String randomSessionId(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
