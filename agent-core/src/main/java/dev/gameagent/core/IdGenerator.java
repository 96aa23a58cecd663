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

  /** A new unguessable session id: 128 random bits as 32 lowercase hex digits. */
  static String randomSessionId(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
