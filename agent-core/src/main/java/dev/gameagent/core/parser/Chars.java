package dev.gameagent.core.parser;

/** Character classes of the tag grammar. */
final class Chars {

  private Chars() {}

  /**
   * Whether {@code c} is whitespace in the sense of {@link Character#isWhitespace(char)}, the
   * definition {@link String#strip()} trims by; ASCII is decided without a table lookup.
   */
  static boolean isWhitespace(char c) {
    if (c <= ' ') {
      return c == ' ' || (c >= '\t' && c <= '\r') || c >= '\u001C';
    }
    return c >= '\u1680' && Character.isWhitespace(c);
  }

  /** Folds {@code c} for case-insensitive comparison the way {@link String#equalsIgnoreCase} does. */
  static char fold(char c) {
    if (c < 0x80) {
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }
}
