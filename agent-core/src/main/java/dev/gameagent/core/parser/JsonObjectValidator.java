package dev.gameagent.core.parser;

/**
 * Checks that a text is one JSON object (RFC 8259), surrounded by nothing but JSON whitespace.
 * Core has no JSON library and only needs the yes/no answer for {@code tool_call} arguments, so
 * this validates in one pass without building a tree. Nesting deeper than {@value #MAX_DEPTH} is
 * refused rather than risking the stack.
 */
final class JsonObjectValidator {

  static final int MAX_DEPTH = 256;

  private final CharSequence text;
  private int pos;

  private JsonObjectValidator(CharSequence text) {
    this.text = text;
  }

  /** Whether {@code text} is exactly one JSON object. */
  static boolean isObject(CharSequence text) {
    JsonObjectValidator validator = new JsonObjectValidator(text);
    validator.skipWhitespace();
    if (!validator.peek('{') || !validator.value(0)) {
      return false;
    }
    validator.skipWhitespace();
    return validator.pos == text.length();
  }

  private boolean value(int depth) {
    if (pos >= text.length()) {
      return false;
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return depth < MAX_DEPTH && object(depth + 1);
      case '[':
        return depth < MAX_DEPTH && array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  private boolean object(int depth) {
    pos++; // '{'
    skipWhitespace();
    if (take('}')) {
      return true;
    }
    while (true) {
      skipWhitespace();
      if (!peek('"') || !string()) {
        return false;
      }
      skipWhitespace();
      if (!take(':')) {
        return false;
      }
      skipWhitespace();
      if (!value(depth)) {
        return false;
      }
      skipWhitespace();
      if (take('}')) {
        return true;
      }
      if (!take(',')) {
        return false;
      }
    }
  }

  private boolean array(int depth) {
    pos++; // '['
    skipWhitespace();
    if (take(']')) {
      return true;
    }
    while (true) {
      skipWhitespace();
      if (!value(depth)) {
        return false;
      }
      skipWhitespace();
      if (take(']')) {
        return true;
      }
      if (!take(',')) {
        return false;
      }
    }
  }

  private boolean string() {
    pos++; // '"'
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        if (pos >= text.length()) {
          return false;
        }
        char escape = text.charAt(pos++);
        switch (escape) {
          case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            break;
          case 'u':
            for (int i = 0; i < 4; i++) {
              if (pos >= text.length() || Character.digit(text.charAt(pos++), 16) < 0) {
                return false;
              }
            }
            break;
          default:
            return false;
        }
      }
    }
    return false;
  }

  private boolean number() {
    take('-');
    if (take('0')) {
      // a leading zero stands alone
    } else if (!digits()) {
      return false;
    }
    if (take('.') && !digits()) {
      return false;
    }
    if (take('e') || take('E')) {
      if (!take('+')) {
        take('-');
      }
      return digits();
    }
    return true;
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private boolean literal(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (pos >= text.length() || text.charAt(pos) != word.charAt(i)) {
        return false;
      }
      pos++;
    }
    return true;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private boolean take(char c) {
    if (peek(c)) {
      pos++;
      return true;
    }
    return false;
  }
}
