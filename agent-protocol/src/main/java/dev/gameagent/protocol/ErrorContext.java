package dev.gameagent.protocol;

import dev.gameagent.core.ErrorCode;

/**
 * What has been read of one client message so far, so that an error about it can name the message
 * type, agent, turn and request. Confined to the decoding thread.
 */
final class ErrorContext {
  private static final int MAX_ECHO = 64;

  String type;
  String agentId;
  String turnId;
  String requestId;

  ProtocolException missing(String field) {
    return error(ErrorCode.MISSING_FIELD, field, field + " is missing");
  }

  /** An {@code invalid_field} error reading "{field} {problem}", e.g. "event.ts must be a number". */
  ProtocolException invalid(String field, String problem) {
    return error(ErrorCode.INVALID_FIELD, field, field + " " + problem);
  }

  ProtocolException error(ErrorCode code, String field, String message) {
    return new ProtocolException(code, field, message, type, agentId, turnId, requestId);
  }

  /**
   * A client-supplied value quoted for an error message: at most 64 characters, control characters
   * shown as {@code ?}, so an error never echoes a huge or unprintable value.
   */
  static String quote(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_ECHO) + 3).append('"');
    int end = Math.min(value.length(), MAX_ECHO);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (end < value.length()) {
      out.append('\u2026');
    }
    return out.append('"').toString();
  }

  /** The value if it is short and printable enough to name in an error frame's id fields, else null. */
  static String echoable(String value) {
    if (value == null || value.isEmpty() || value.length() > 128) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return null;
      }
    }
    return value;
  }
}
