package dev.gameagent.core;

import java.util.Locale;

/** The protocol's error codes, which a game can switch on. */
public enum ErrorCode {
  INVALID_JSON,
  UNSUPPORTED_FRAME,
  MISSING_FIELD,
  INVALID_FIELD,
  UNKNOWN_TYPE,
  UNKNOWN_TURN,
  DUPLICATE_TURN_RESULT,
  TOOL_LOOP_LIMIT,
  RATE_LIMITED,
  LIMIT_EXCEEDED,
  STATE_TIMEOUT,
  LLM_ERROR,
  INTERNAL;

  /** The wire spelling, e.g. {@code unknown_turn}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
