package dev.gameagent.core.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * The character state machine under {@link TagParser}: normalizes line ends and surrogates, holds
 * back only what may still turn out to be markup, and hands decoded text and structural tags to a
 * {@link TagAssembler}.
 *
 * <p>Each input character is examined once; a character that ends a would-be tag or entity is
 * re-read by the state it falls back to, never the characters before it. Runs of plain text are
 * passed on in bulk. What is held at any time is bounded: a tag or entity name of at most
 * {@value #NAME_LIMIT} UTF-16 units after its {@code <}, {@code </} or {@code &}, a structural tag
 * of at most {@value #TAG_LIMIT} units from {@code <} to {@code >}, and one high surrogate.
 * Whatever falls back is released verbatim as text.
 *
 * <p>Not thread-safe; confined to the thread that feeds its parser.
 */
final class Tokeniser {

  static final int NAME_LIMIT = 64;
  static final int TAG_LIMIT = 1024;

  private static final char REPLACEMENT = '\uFFFD';
  private static final String[] ENTITY_NAMES = {"lt", "gt", "amp", "quot", "apos"};
  private static final char[] ENTITY_CHARS = {'<', '>', '&', '"', '\''};
  private static final int ALL_ENTITIES = (1 << ENTITY_NAMES.length) - 1;
  private static final int INVALID_CODE_POINT = Character.MAX_CODE_POINT + 1;

  /** ASCII characters that end a run of plain text: markup starts and CR. */
  private static final boolean[] ENDS_PLAIN_TEXT = new boolean[0x80];

  static {
    ENDS_PLAIN_TEXT['<'] = true;
    ENDS_PLAIN_TEXT['&'] = true;
    ENDS_PLAIN_TEXT['\r'] = true;
  }

  private final TagNameTrie names;
  private final TagAssembler out;

  private TokeniserState state = TokeniserState.TEXT;
  private boolean afterCr;
  private char pendingHigh;

  /** The raw would-be tag since its {@code <}, released as text if it turns out not to be one. */
  private final StringBuilder held = new StringBuilder();
  private TagNameTrie.Node node;
  private int nameLength;
  /** Whether a declared open-tag name matched, so every character up to {@code >} is held. */
  private boolean inTag;

  private final List<String> attributeNames = new ArrayList<>();
  private final List<String> attributeValues = new ArrayList<>();
  private final StringBuilder attributeName = new StringBuilder();
  private final StringBuilder attributeValue = new StringBuilder();
  private boolean attributePending;

  /** The raw would-be entity since its {@code &}. */
  private final StringBuilder reference = new StringBuilder();
  private TokeniserState referenceReturn;
  private int referenceCandidates;
  private int referenceValue;

  Tokeniser(TagNameTrie names, TagAssembler out) {
    this.names = names;
    this.out = out;
  }

  /** Reads {@code chunk}, then releases the open tag's text to the listener. */
  void feed(CharSequence chunk) {
    int n = chunk.length();
    int i = 0;
    while (i < n) {
      if (state == TokeniserState.TEXT && pendingHigh == 0 && !afterCr) {
        int end = plainTextEnd(chunk, i, n);
        if (end > i) {
          out.text(chunk, i, end);
          i = end;
          if (i == n) {
            break;
          }
        }
      }
      char c = chunk.charAt(i++);
      if (afterCr) {
        afterCr = false;
        if (c == '\n') {
          continue;
        }
      }
      if (c == '\r') {
        afterCr = true;
        c = '\n';
      }
      if (pendingHigh != 0) {
        char high = pendingHigh;
        pendingHigh = 0;
        if (Character.isLowSurrogate(c)) {
          consume(high);
          consume(c);
          continue;
        }
        consume(REPLACEMENT);
      }
      if (Character.isHighSurrogate(c)) {
        pendingHigh = c; // held until its pair arrives, possibly in the next chunk
      } else {
        consume(Character.isLowSurrogate(c) ? REPLACEMENT : c);
      }
    }
    out.flush();
  }

  /** Ends the input: whatever is held back is released as text, then the open tag is closed. */
  void finish() {
    if (pendingHigh != 0) {
      pendingHigh = 0;
      consume(REPLACEMENT);
    }
    if (held.length() > 0) {
      out.text(held, 0, held.length());
    } else if (state != TokeniserState.TEXT) {
      out.text(reference, 0, reference.length());
    }
    resetTag();
    afterCr = false;
    out.finish();
  }

  private static int plainTextEnd(CharSequence chunk, int i, int n) {
    while (i < n) {
      char c = chunk.charAt(i);
      if (c < 0x80 ? ENDS_PLAIN_TEXT[c] : Character.isSurrogate(c)) {
        return i;
      }
      i++;
    }
    return n;
  }

  private void consume(char c) {
    if (inTag) {
      if (held.length() >= TAG_LIMIT) {
        notMarkup(c);
        return;
      }
      held.append(c);
    }
    state.read(this, c);
  }

  // ---- called by the states ----

  TokeniserState state() {
    return state;
  }

  void state(TokeniserState next) {
    state = next;
  }

  void text(char c) {
    out.text(c);
  }

  void beginTag() {
    held.append('<');
    state = TokeniserState.TAG_OPEN;
  }

  void beginEndTag() {
    held.append('/');
    state = TokeniserState.END_TAG_OPEN;
  }

  /** The first character of a tag name: it must start a declared name. */
  void nameStart(char c, TokeniserState next) {
    TagNameTrie.Node first = names.root().child(c);
    if (first == null) {
      notMarkup(c);
      return;
    }
    node = first;
    nameLength = 1;
    held.append(c);
    state = next;
  }

  /** A further character of a tag name: the name must stay a declared name's prefix. */
  void nameChar(char c) {
    TagNameTrie.Node next = nameLength < NAME_LIMIT ? node.child(c) : null;
    if (next == null) {
      notMarkup(c);
      return;
    }
    node = next;
    nameLength++;
    held.append(c);
  }

  /** Whether the name read so far is a whole declared name. */
  boolean nameMatched() {
    return node.tag() != null;
  }

  /** The declared name matched and {@code c} ends it: from here on everything is held until {@code >}. */
  void enterAttributes(char c, TokeniserState next) {
    held.append(c);
    inTag = true;
    state = next;
  }

  /** Whitespace after a closing tag's name. */
  void holdEndTag(char c) {
    if (held.length() >= TAG_LIMIT) {
      notMarkup(c);
      return;
    }
    held.append(c);
    state = TokeniserState.AFTER_END_TAG_NAME;
  }

  /** The held text is not markup after all: it is released as text and {@code c} is re-read as text. */
  void notMarkup(char c) {
    out.text(held, 0, held.length());
    resetTag();
    TokeniserState.TEXT.read(this, c);
  }

  void emitStartTag(boolean selfClosing) {
    if (attributePending) {
      commitAttribute();
    }
    DeclaredTag tag = node.tag();
    resetName();
    out.startTag(tag, attributeNames, attributeValues, selfClosing);
    attributeNames.clear();
    attributeValues.clear();
  }

  void emitEndTag() {
    DeclaredTag tag = node.tag();
    resetTag();
    out.endTag(tag);
  }

  void beginAttribute(char c) {
    if (attributePending) {
      commitAttribute();
    }
    attributeName.setLength(0);
    attributeName.append(c);
    attributeValue.setLength(0);
    attributePending = true;
  }

  void attributeName(char c) {
    attributeName.append(c);
  }

  void attributeValue(char c) {
    attributeValue.append(c);
  }

  private void commitAttribute() {
    attributeNames.add(attributeName.toString());
    attributeValues.add(attributeValue.toString());
    attributePending = false;
  }

  private void resetTag() {
    resetName();
    attributeNames.clear();
    attributeValues.clear();
  }

  /** Back to text, keeping the committed attributes for the tag being emitted. */
  private void resetName() {
    held.setLength(0);
    node = null;
    nameLength = 0;
    inTag = false;
    attributePending = false;
    state = TokeniserState.TEXT;
  }

  // ---- character references ----

  void beginReference(TokeniserState returnState) {
    reference.setLength(0);
    reference.append('&');
    referenceReturn = returnState;
    referenceCandidates = ALL_ENTITIES;
    referenceValue = 0;
    state = TokeniserState.CHARACTER_REFERENCE;
  }

  void referenceChar(char c, TokeniserState next) {
    reference.append(c);
    state = next;
  }

  /** A letter of a named reference: it must continue one of the known entity names. */
  void namedReferenceChar(char c) {
    int position = reference.length() - 1;
    int candidates = 0;
    for (int i = 0; i < ENTITY_NAMES.length; i++) {
      String name = ENTITY_NAMES[i];
      if ((referenceCandidates & (1 << i)) != 0 && position < name.length() && name.charAt(position) == c) {
        candidates |= 1 << i;
      }
    }
    if (candidates == 0) {
      referenceFailed(c);
      return;
    }
    referenceCandidates = candidates;
    reference.append(c);
    state = TokeniserState.NAMED_REFERENCE;
  }

  void endNamedReference(char c) {
    int length = reference.length() - 1;
    for (int i = 0; i < ENTITY_NAMES.length; i++) {
      if ((referenceCandidates & (1 << i)) != 0 && ENTITY_NAMES[i].length() == length) {
        referenceDecoded(ENTITY_CHARS[i]);
        return;
      }
    }
    referenceFailed(c);
  }

  void referenceDigit(char c, int digit, int radix, TokeniserState next) {
    if (reference.length() > NAME_LIMIT) {
      referenceFailed(c);
      return;
    }
    referenceValue = Math.min(referenceValue * radix + digit, INVALID_CODE_POINT);
    reference.append(c);
    state = next;
  }

  /** {@code ;} after digits: a valid scalar value is decoded, anything else stays literal. */
  void endNumericReference(char c) {
    int cp = referenceValue;
    if (cp > 0 && cp <= Character.MAX_CODE_POINT && (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)) {
      referenceDecoded(cp);
    } else {
      reference.append(c);
      referenceLiteral();
      state = referenceReturn;
    }
  }

  /** {@code c} cannot continue the reference: it is kept literally and {@code c} is re-read. */
  void referenceFailed(char c) {
    referenceLiteral();
    state = referenceReturn;
    state.read(this, c);
  }

  private void referenceDecoded(int cp) {
    state = referenceReturn;
    if (state != TokeniserState.TEXT) {
      attributeValue.appendCodePoint(cp);
    } else if (Character.isBmpCodePoint(cp)) {
      out.text((char) cp);
    } else {
      out.text(Character.highSurrogate(cp));
      out.text(Character.lowSurrogate(cp));
    }
  }

  private void referenceLiteral() {
    if (referenceReturn == TokeniserState.TEXT) {
      out.text(reference, 0, reference.length());
    } else {
      attributeValue.append(reference);
    }
  }
}
