package dev.gameagent.core.parser;

/**
 * The states of the {@link Tokeniser}, each reading one character of normalized input (CRLF
 * already LF, surrogates already paired). Modelled on the HTML tokenizer, reduced to what the tag
 * grammar needs: only declared names start a tag, so anything else falls back to text.
 */
enum TokeniserState {

  /** Plain text; {@code <} and {@code &} may start markup. */
  TEXT {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '<') {
        t.beginTag();
      } else if (c == '&') {
        t.beginReference(this);
      } else {
        t.text(c);
      }
    }
  },

  /** After {@code <}. */
  TAG_OPEN {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '/') {
        t.beginEndTag();
      } else {
        t.nameStart(c, TAG_NAME);
      }
    }
  },

  /** After {@code </}. */
  END_TAG_OPEN {
    @Override
    void read(Tokeniser t, char c) {
      t.nameStart(c, END_TAG_NAME);
    }
  },

  /** Inside an open tag's name, which is a prefix of a declared name. */
  TAG_NAME {
    @Override
    void read(Tokeniser t, char c) {
      if (t.nameMatched()) {
        if (c == '>') {
          t.emitStartTag(false);
          return;
        }
        if (c == '/') {
          t.enterAttributes(c, SELF_CLOSING_START);
          return;
        }
        if (Chars.isWhitespace(c)) {
          t.enterAttributes(c, BEFORE_ATTRIBUTE_NAME);
          return;
        }
      }
      t.nameChar(c);
    }
  },

  /** Inside a closing tag's name, which is a prefix of a declared name. */
  END_TAG_NAME {
    @Override
    void read(Tokeniser t, char c) {
      if (t.nameMatched()) {
        if (c == '>') {
          t.emitEndTag();
          return;
        }
        if (Chars.isWhitespace(c)) {
          t.holdEndTag(c);
          return;
        }
      }
      t.nameChar(c);
    }
  },

  /** Whitespace after a closing tag's declared name; only {@code >} may follow. */
  AFTER_END_TAG_NAME {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '>') {
        t.closeEndTag(c);
      } else if (Chars.isWhitespace(c)) {
        t.holdEndTag(c);
      } else {
        t.notMarkup(c);
      }
    }
  },

  BEFORE_ATTRIBUTE_NAME {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '>') {
        t.emitStartTag(false);
      } else if (c == '/') {
        t.state(SELF_CLOSING_START);
      } else if (!Chars.isWhitespace(c)) {
        t.beginAttribute(c);
        t.state(ATTRIBUTE_NAME);
      }
    }
  },

  ATTRIBUTE_NAME {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '>') {
        t.emitStartTag(false);
      } else if (c == '=') {
        t.state(BEFORE_ATTRIBUTE_VALUE);
      } else if (c == '/') {
        t.state(SELF_CLOSING_START);
      } else if (Chars.isWhitespace(c)) {
        t.state(AFTER_ATTRIBUTE_NAME);
      } else {
        t.attributeName(c);
      }
    }
  },

  /** Whitespace after an attribute name: {@code =} may still give it a value. */
  AFTER_ATTRIBUTE_NAME {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '=') {
        t.state(BEFORE_ATTRIBUTE_VALUE);
      } else {
        BEFORE_ATTRIBUTE_NAME.read(t, c);
      }
    }
  },

  BEFORE_ATTRIBUTE_VALUE {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '"') {
        t.state(ATTRIBUTE_VALUE_DOUBLE_QUOTED);
      } else if (c == '\'') {
        t.state(ATTRIBUTE_VALUE_SINGLE_QUOTED);
      } else if (c == '>') {
        t.emitStartTag(false);
      } else if (!Chars.isWhitespace(c)) {
        t.state(ATTRIBUTE_VALUE_UNQUOTED);
        ATTRIBUTE_VALUE_UNQUOTED.read(t, c);
      }
    }
  },

  ATTRIBUTE_VALUE_DOUBLE_QUOTED {
    @Override
    void read(Tokeniser t, char c) {
      quotedValue(t, c, '"', this);
    }
  },

  ATTRIBUTE_VALUE_SINGLE_QUOTED {
    @Override
    void read(Tokeniser t, char c) {
      quotedValue(t, c, '\'', this);
    }
  },

  ATTRIBUTE_VALUE_UNQUOTED {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '>') {
        t.emitStartTag(false);
      } else if (c == '/') {
        t.state(UNQUOTED_VALUE_SLASH);
      } else if (c == '&') {
        t.beginReference(this);
      } else if (Chars.isWhitespace(c)) {
        t.state(BEFORE_ATTRIBUTE_NAME);
      } else {
        t.attributeValue(c);
      }
    }
  },

  /** A {@code /} in an unquoted value: {@code name=wave/>} ends a self-closing tag. */
  UNQUOTED_VALUE_SLASH {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '>') {
        t.emitStartTag(true);
      } else {
        t.attributeValue('/');
        t.state(ATTRIBUTE_VALUE_UNQUOTED);
        ATTRIBUTE_VALUE_UNQUOTED.read(t, c);
      }
    }
  },

  SELF_CLOSING_START {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '>') {
        t.emitStartTag(true);
      } else {
        t.state(BEFORE_ATTRIBUTE_NAME);
        BEFORE_ATTRIBUTE_NAME.read(t, c);
      }
    }
  },

  /** After {@code &}. */
  CHARACTER_REFERENCE {
    @Override
    void read(Tokeniser t, char c) {
      if (c == '#') {
        t.referenceChar(c, NUMERIC_REFERENCE);
      } else {
        t.namedReferenceChar(c);
      }
    }
  },

  /** Inside {@code &name}, a prefix of a known entity name. */
  NAMED_REFERENCE {
    @Override
    void read(Tokeniser t, char c) {
      if (c == ';') {
        t.endNamedReference(c);
      } else {
        t.namedReferenceChar(c);
      }
    }
  },

  /** After {@code &#}. */
  NUMERIC_REFERENCE {
    @Override
    void read(Tokeniser t, char c) {
      if (c == 'x' || c == 'X') {
        t.referenceChar(c, HEX_REFERENCE_START);
      } else if (c >= '0' && c <= '9') {
        t.referenceDigit(c, c - '0', 10, DECIMAL_REFERENCE);
      } else {
        t.referenceFailed(c);
      }
    }
  },

  DECIMAL_REFERENCE {
    @Override
    void read(Tokeniser t, char c) {
      if (c >= '0' && c <= '9') {
        t.referenceDigit(c, c - '0', 10, DECIMAL_REFERENCE);
      } else if (c == ';') {
        t.endNumericReference(c);
      } else {
        t.referenceFailed(c);
      }
    }
  },

  /** After {@code &#x}. */
  HEX_REFERENCE_START {
    @Override
    void read(Tokeniser t, char c) {
      int digit = Character.digit(c, 16);
      if (digit >= 0 && c < 0x80) {
        t.referenceDigit(c, digit, 16, HEX_REFERENCE);
      } else {
        t.referenceFailed(c);
      }
    }
  },

  HEX_REFERENCE {
    @Override
    void read(Tokeniser t, char c) {
      if (c == ';') {
        t.endNumericReference(c);
      } else {
        HEX_REFERENCE_START.read(t, c);
      }
    }
  };

  /** Consumes {@code c}, or hands it to the state it moves to. */
  abstract void read(Tokeniser t, char c);

  /** A character of a value quoted with {@code quote}; after the closing quote comes the next attribute. */
  private static void quotedValue(Tokeniser t, char c, char quote, TokeniserState self) {
    if (c == quote) {
      t.state(BEFORE_ATTRIBUTE_NAME);
    } else if (c == '&') {
      t.beginReference(self);
    } else {
      t.attributeValue(c);
    }
  }
}
