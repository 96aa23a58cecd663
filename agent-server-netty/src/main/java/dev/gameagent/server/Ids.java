package dev.gameagent.server;

/**
 * The id rule of the protocol: 1 to 128 characters, no control characters. Characters are code
 * points, as for an {@code agent_id}: an emoji outside the BMP is one, though two UTF-16 units.
 */
final class Ids {
  static final int MAX_LENGTH = 128;

  private Ids() {}

  static boolean valid(String id) {
    if (id == null || id.isEmpty()
        || (id.length() > MAX_LENGTH && id.codePointCount(0, id.length()) > MAX_LENGTH)) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
