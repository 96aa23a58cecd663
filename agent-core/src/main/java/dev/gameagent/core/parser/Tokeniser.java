package dev.gameagent.core.parser;

import java.util.Arrays;

/**
 * The character state machine under {@link TagParser}: normalizes line ends and surrogates, holds
 * back only what may still turn out to be markup, and hands decoded text and structural tags to a
 * {@link TagAssembler}.
 *
 * <p>Runs of plain text are passed on in bulk, and markup that the input slice holds whole up to
 * its decision is read by fast paths ({@code readText}) that leave anything unusual to the
 * character states, handing over exactly where they stopped. A character that ends a would-be tag
 * or entity is re-read by the state it falls back to, never the characters before it; only a tag's
 * attributes, the letters of a name not matched whole, or a few letters of an entity, that a fast
 * path gave up on are read a second time, so every character is examined at most twice.
 *
 * <p>What is held at any time is bounded: a tag or entity name of at most {@value #NAME_LIMIT}
 * UTF-16 units after its {@code <}, {@code </} or {@code &}, a structural tag of at most
 * {@value #TAG_LIMIT} units from {@code <} to {@code >}, and one high surrogate. Whatever falls
 * back is released verbatim as text.
 *
 * <p>Not thread-safe; confined to the thread that feeds its parser.
 */
final class Tokeniser {

  static final int NAME_LIMIT = 64;
  static final int TAG_LIMIT = 1024;

  private static final char REPLACEMENT = '\uFFFD';
  private static final char[][] ENTITY_NAMES = {
    "lt".toCharArray(), "gt".toCharArray(), "amp".toCharArray(), "quot".toCharArray(), "apos".toCharArray()
  };
  private static final char[] ENTITY_CHARS = {'<', '>', '&', '"', '\''};
  private static final int ALL_ENTITIES = (1 << ENTITY_NAMES.length) - 1;
  /** Input is copied into {@link #input} this many characters at a time. */
  private static final int SLICE = 4096;
  private static final int INVALID_CODE_POINT = Character.MAX_CODE_POINT + 1;

  /**
   * The characters that end a run of plain text: markup starts, CR and surrogates. A table over
   * all of UTF-16 makes the scan one load and one branch per character; only its first 128 bytes
   * are touched by most text.
   */
  private static final boolean[] ENDS_PLAIN_TEXT = new boolean[Character.MAX_VALUE + 1];

  static {
    ENDS_PLAIN_TEXT['<'] = true;
    ENDS_PLAIN_TEXT['&'] = true;
    ENDS_PLAIN_TEXT['\r'] = true;
    Arrays.fill(ENDS_PLAIN_TEXT, Character.MIN_SURROGATE, Character.MAX_SURROGATE + 1, true);
  }

  private final TagAssembler out;
  private final TagNames names;

  /** The slice of input being read; grows up to {@link #SLICE} with the chunks. */
  private char[] input = new char[64];
  private TokeniserState state = TokeniserState.TEXT;
  private boolean afterCr;
  private char pendingHigh;

  /**
   * Whether a would-be tag is held, from its {@code <}. The held text is {@link #held} followed by
   * {@code input[heldFrom, position)}: characters read as they are stay in the input and are
   * copied only when the slice ends or a character is normalized on the way ({@link #normalized}).
   */
  private boolean holding;
  private final TextBuffer held = new TextBuffer(32);
  private int heldFrom;
  /** The index in {@link #input} of the character being consumed. */
  private int position;
  /** Whether the character being consumed is not {@code input[position]} but a normalized one. */
  private boolean normalized;

  /** The tag name typed so far. */
  private final TagNames.Cursor name;
  /** Whether a declared open-tag name matched, so every character up to {@code >} is held. */
  private boolean inTag;

  private final TagAttributes attributes = new TagAttributes();
  private final TextBuffer attributeName = new TextBuffer(16);
  private final TextBuffer attributeValue = new TextBuffer(16);
  private boolean attributePending;

  /** The raw would-be entity since its {@code &}. */
  private final TextBuffer reference = new TextBuffer(16);
  private TokeniserState referenceReturn;
  private int referenceCandidates;
  private int referenceValue;

  Tokeniser(TagNames names, TagAssembler out) {
    this.names = names;
    this.name = names.new Cursor();
    this.out = out;
  }

  /** Reads {@code chunk}, then releases the open tag's text to the listener. */
  void feed(CharSequence chunk) {
    int length = chunk.length();
    int needed = Math.min(length, SLICE);
    if (input.length < needed) {
      input = new char[Math.max(needed, Math.min(SLICE, input.length * 2))];
    }
    for (int start = 0; start < length; start += SLICE) {
      int end = Math.min(length, start + SLICE);
      copy(chunk, start, end);
      read(input, end - start);
    }
    out.flush();
  }

  /** Copies {@code chunk[start, end)} into {@link #input}; bulk for the usual {@code String}. */
  private void copy(CharSequence chunk, int start, int end) {
    if (chunk instanceof String) {
      ((String) chunk).getChars(start, end, input, 0);
    } else if (chunk instanceof StringBuilder) {
      ((StringBuilder) chunk).getChars(start, end, input, 0);
    } else {
      for (int i = start; i < end; i++) {
        input[i - start] = chunk.charAt(i);
      }
    }
  }

  private void read(char[] in, int n) {
    heldFrom = 0;
    int i = 0;
    while (i < n) {
      if (pendingHigh == 0 && !afterCr) {
        i = readRun(in, i, n);
        if (i == n) {
          break;
        }
      }
      char c = in[i];
      position = i++;
      if (pendingHigh == 0 && !afterCr && c != '\r' && !Character.isSurrogate(c)) {
        consume(c);
        continue;
      }
      // the character is or follows one that is normalized: held input so far is copied out
      if (holding) {
        held.append(in, heldFrom, position);
        heldFrom = position;
      }
      normalized = true;
      normalize(c);
      normalized = false;
      heldFrom = i;
    }
    if (holding) {
      held.append(in, heldFrom, n);
    }
    heldFrom = 0;
    position = 0;
  }

  /** Consumes {@code c} with CRLF and CR as LF, surrogates paired and unpaired ones as U+FFFD. */
  private void normalize(char c) {
    if (afterCr) {
      afterCr = false;
      if (c == '\n') {
        return;
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
        return;
      }
      consume(REPLACEMENT);
    }
    if (Character.isHighSurrogate(c)) {
      pendingHigh = c; // held until its pair arrives, possibly in the next chunk
    } else {
      consume(Character.isLowSurrogate(c) ? REPLACEMENT : c);
    }
  }

  /** Ends the input: whatever is held back is released as text, then the open tag is closed. */
  void finish() {
    normalized = true;
    if (pendingHigh != 0) {
      pendingHigh = 0;
      consume(REPLACEMENT);
    }
    if (holding) {
      out.text(held.array(), 0, held.length());
    } else if (state != TokeniserState.TEXT) {
      out.text(reference.array(), 0, reference.length());
    }
    resetTag();
    afterCr = false;
    out.finish();
  }

  /**
   * Reads, from {@code i}, the longest run that leaves the state as it is (plain text, a tag name
   * still matching, an attribute name or value) in bulk, and returns where it stopped; the
   * character there goes through {@link #consume}. CR and surrogates always stop a run.
   */
  private int readRun(char[] in, int i, int n) {
    switch (state) {
      case TEXT:
        return readText(in, i, n);
      case TAG_NAME:
      case END_TAG_NAME:
        return name.advance(in, i, Math.min(n, i + NAME_LIMIT - name.length()));
      case ATTRIBUTE_NAME: {
        int end = attributeRunEnd(in, i, n, '=', '/');
        attributeName.append(in, i, end);
        return end;
      }
      case ATTRIBUTE_VALUE_UNQUOTED: {
        int end = attributeRunEnd(in, i, n, '&', '/');
        attributeValue.append(in, i, end);
        return end;
      }
      case ATTRIBUTE_VALUE_DOUBLE_QUOTED:
      case ATTRIBUTE_VALUE_SINGLE_QUOTED: {
        char quote = state == TokeniserState.ATTRIBUTE_VALUE_DOUBLE_QUOTED ? '"' : '\'';
        int start = i;
        int limit = Math.min(n, i + TAG_LIMIT - heldLength(i));
        while (i < limit) {
          char c = in[i];
          if (c == quote || c == '&' || c == '\r' || Character.isSurrogate(c)) {
            break;
          }
          i++;
        }
        attributeValue.append(in, start, i);
        return i;
      }
      default:
        return i;
    }
  }

  /**
   * Reads text from {@code i}: plain runs in bulk, and markup that the slice holds whole up to its
   * decision, {@code <speech>}, {@code </speech>}, {@code <action/>}, {@code &amp;}, or a {@code <}
   * that starts no declared name, without a detour through the states. Returns where the states
   * must take over: a CR or surrogate, a reference this does not decode, or a tag left in the state
   * the {@code <} put it in (its name read so far).
   */
  private int readText(char[] in, int i, int n) {
    while (true) {
      int end = plainTextEnd(in, i, n);
      if (end > i) {
        out.text(in, i, end);
      }
      if (end == n) {
        return n;
      }
      char c = in[end];
      if (c == '<') {
        i = readTagStart(in, end, n);
        if (state != TokeniserState.TEXT) {
          return i;
        }
      } else if (c == '&') {
        i = readNamedReference(in, end, n);
        if (i == end) {
          return end;
        }
      } else {
        return end;
      }
    }
  }

  /**
   * Reads the {@code <} at {@code lt} and the tag name after it in bulk. A name that a
   * {@code >} (or {@code />}) ends is emitted as the tag; a {@code <} whose name no declared name
   * continues is released as text; anything else (attributes, the slice's end, a CR or surrogate,
   * a name at its length limit) is left to the states, with the tag held from {@code <} and the
   * name read so far, exactly as if they had read it. Returns the index of the next character to
   * read.
   */
  private int readTagStart(char[] in, int lt, int n) {
    int i = lt + 1;
    boolean endTag = i < n && in[i] == '/';
    if (endTag) {
      i++;
    }
    int nameStart = i;
    int nameEnd = Math.min(n, nameStart + NAME_LIMIT);
    DeclaredTag tag;
    int sole = names.soleNameAt(in, nameStart, nameEnd);
    if (sole >= 0) { // the usual case: the whole name, read without the cursor
      tag = names.tag(sole);
      i = nameStart + names.length(sole);
    } else {
      name.reset();
      i = name.advance(in, i, nameEnd);
      tag = i < nameEnd ? name.matched() : null;
    }
    if (i < nameEnd) {
      char c = in[i];
      if (tag == null) {
        if (c != '\r' && !Character.isSurrogate(c)) {
          out.text(in, lt, i); // not markup: the character that ended it is read as text
          return i;
        }
      } else if (c == '>') {
        if (!endTag) {
          attributes.start(tag);
        }
        emitTag(tag, endTag, false);
        return i + 1;
      } else if (!endTag && c == '/' && i + 1 < n && in[i + 1] == '>') {
        attributes.start(tag);
        emitTag(tag, false, true);
        return i + 2;
      } else if (!endTag && isSpace(c)) {
        int after = readPlainAttributes(in, i, Math.min(n, lt + TAG_LIMIT), tag);
        if (after >= 0) {
          return after;
        }
      }
    }
    if (sole >= 0) {
      name.select(sole); // the states read on as if the cursor had typed the name
    }
    holdTag(lt, i > nameStart, endTag);
    return i;
  }

  /** Emits a tag read whole by the fast path; its attributes, if any, are in {@link #attributes}. */
  private void emitTag(DeclaredTag tag, boolean endTag, boolean selfClosing) {
    name.reset();
    if (endTag) {
      out.endTag(tag);
    } else {
      out.startTag(tag, attributes, selfClosing);
    }
  }

  /** Leaves the tag at {@code lt} to the states, held from its {@code <}, its name read so far. */
  private void holdTag(int lt, boolean nameStarted, boolean endTag) {
    holding = true;
    heldFrom = lt;
    if (nameStarted) {
      state = endTag ? TokeniserState.END_TAG_NAME : TokeniserState.TAG_NAME;
    } else {
      state = endTag ? TokeniserState.END_TAG_OPEN : TokeniserState.TAG_OPEN;
    }
  }

  /**
   * Reads the attributes of {@code tag} from {@code i} to its {@code >} or {@code />} when they are
   * plain, {@code name="value"} or {@code name='value'} with ASCII names and no entity, CR or
   * surrogate, all before {@code limit} (the slice's end or the tag's length limit): emits the tag
   * and returns the index after it. Otherwise returns -1, having changed nothing the states use,
   * and the states read the tag from its name's end.
   */
  private int readPlainAttributes(char[] in, int i, int limit, DeclaredTag tag) {
    attributes.start(tag);
    while (true) {
      while (i < limit && isSpace(in[i])) {
        i++;
      }
      if (i >= limit) {
        return -1;
      }
      char c = in[i];
      if (c == '>' || (c == '/' && i + 1 < limit && in[i + 1] == '>')) {
        emitTag(tag, false, c == '/');
        return c == '/' ? i + 2 : i + 1;
      }
      int nameStart = i;
      while (i < limit && isAttributeNameChar(in[i])) {
        i++;
      }
      int nameEnd = i;
      if (nameEnd == nameStart || i + 1 >= limit || in[i] != '=' || (in[i + 1] != '"' && in[i + 1] != '\'')) {
        return -1;
      }
      char quote = in[i + 1];
      int valueStart = i + 2;
      i = valueStart;
      while (i < limit && in[i] != quote) {
        char v = in[i];
        if (v == '&' || v == '\r' || Character.isSurrogate(v)) {
          return -1;
        }
        i++;
      }
      if (i >= limit) {
        return -1;
      }
      attributes.add(in, nameStart, nameEnd, in, valueStart, i);
      i++;
    }
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\t';
  }

  /** Whether {@code c} may be read by the fast path as part of an attribute name: ASCII name characters. */
  private static boolean isAttributeNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'
        || c == ':';
  }

  /**
   * Reads the named reference at {@code amp} when the slice holds it up to its decision: a known
   * entity ({@code &amp;}) is decoded, anything that cannot continue one is released literally and
   * its last character left to read as text. Returns the index to read next, or {@code amp} for the
   * states to read a numeric reference, one the slice cuts off, or one that a surrogate decides.
   */
  private int readNamedReference(char[] in, int amp, int n) {
    int i = amp + 1;
    if (i >= n) {
      return amp;
    }
    // the first letter (and for "a" the second) picks the one entity it can still be
    int entity;
    switch (in[i]) {
      case 'l':
        entity = 0;
        break;
      case 'g':
        entity = 1;
        break;
      case 'a':
        if (i + 1 >= n) {
          return amp;
        }
        entity = in[i + 1] == 'p' ? 4 : 2;
        break;
      case 'q':
        entity = 3;
        break;
      default:
        if (in[i] == '#' || Character.isSurrogate(in[i])) {
          return amp;
        }
        out.text(in, amp, i); // "&" that starts no entity: literal, and the next character is read as text
        return i;
    }
    char[] name = ENTITY_NAMES[entity];
    for (int k = 0; i < n; k++, i++) {
      char c = in[i];
      if (k < name.length && c == name[k]) {
        continue;
      }
      if (k == name.length && c == ';') {
        out.text(ENTITY_CHARS[entity]);
        return i + 1;
      }
      if (Character.isSurrogate(c)) {
        return amp; // a surrogate is not read until its pair is known
      }
      out.text(in, amp, i);
      return i;
    }
    return amp;
  }


  /**
   * The end of a run of an attribute name or unquoted value: up to whitespace, {@code >}, the two
   * characters given, CR, a surrogate, or the tag's length limit.
   */
  private int attributeRunEnd(char[] in, int i, int n, char stop1, char stop2) {
    int limit = Math.min(n, i + TAG_LIMIT - heldLength(i));
    while (i < limit) {
      char c = in[i];
      if (c == '>' || c == stop1 || c == stop2 || c == '\r' || Chars.isWhitespace(c) || Character.isSurrogate(c)) {
        return i;
      }
      i++;
    }
    return i;
  }

  private static int plainTextEnd(char[] in, int i, int n) {
    boolean[] ends = ENDS_PLAIN_TEXT;
    // four characters per branch: text runs between markup are mostly longer than that
    for (int last = n - 4; i <= last; i += 4) {
      if (ends[in[i]] | ends[in[i + 1]] | ends[in[i + 2]] | ends[in[i + 3]]) {
        break;
      }
    }
    while (i < n && !ends[in[i]]) {
      i++;
    }
    return i;
  }

  /** The length of the held text before input index {@code at}. */
  private int heldLength(int at) {
    return held.length() + (normalized ? 0 : at - heldFrom);
  }

  private void consume(char c) {
    if (inTag) {
      if (heldLength(position) >= TAG_LIMIT) {
        notMarkup(c);
        return;
      }
      hold(c);
    }
    state.read(this, c);
  }

  /** {@code c} is part of the held text: a normalized character is copied, a raw one stays in the input. */
  private void hold(char c) {
    if (normalized) {
      held.append(c);
    }
  }

  // ---- called by the states ----

  void state(TokeniserState next) {
    state = next;
  }

  void text(char c) {
    out.text(c);
  }

  void beginTag() {
    holding = true;
    heldFrom = position;
    hold('<');
    state = TokeniserState.TAG_OPEN;
  }

  void beginEndTag() {
    hold('/');
    state = TokeniserState.END_TAG_OPEN;
  }

  /** The first character of a tag name: it must start a declared name. */
  void nameStart(char c, TokeniserState next) {
    name.reset();
    if (!name.advance(c)) {
      notMarkup(c);
      return;
    }
    hold(c);
    state = next;
  }

  /** A further character of a tag name: the name must stay a declared name's prefix. */
  void nameChar(char c) {
    if (name.length() >= NAME_LIMIT || !name.advance(c)) {
      notMarkup(c);
      return;
    }
    hold(c);
  }

  /** Whether the name read so far is a whole declared name. */
  boolean nameMatched() {
    return name.matched() != null;
  }

  /** The declared name matched and {@code c} ends it: from here on everything is held until {@code >}. */
  void enterAttributes(char c, TokeniserState next) {
    hold(c);
    inTag = true;
    attributes.start(name.matched());
    state = next;
  }

  /** Whitespace after a closing tag's name. */
  void holdEndTag(char c) {
    if (heldLength(position) >= TAG_LIMIT) {
      notMarkup(c);
      return;
    }
    hold(c);
    state = TokeniserState.AFTER_END_TAG_NAME;
  }

  /** The {@code >} after a closing tag's whitespace: ends the tag unless it would be longer than {@value #TAG_LIMIT}. */
  void closeEndTag(char c) {
    if (heldLength(position) >= TAG_LIMIT) {
      notMarkup(c);
      return;
    }
    emitEndTag();
  }

  /** The held text is not markup after all: it is released as text and {@code c} is re-read as text. */
  void notMarkup(char c) {
    out.text(held.array(), 0, held.length());
    if (!normalized) {
      out.text(input, heldFrom, position);
    }
    resetTag();
    TokeniserState.TEXT.read(this, c);
  }

  void emitStartTag(boolean selfClosing) {
    if (attributePending) {
      commitAttribute();
    }
    DeclaredTag tag = name.matched();
    if (!inTag) {
      attributes.start(tag); // <name> or <name/>: no attributes
    }
    resetTag();
    out.startTag(tag, attributes, selfClosing);
  }

  void emitEndTag() {
    DeclaredTag tag = name.matched();
    resetTag();
    out.endTag(tag);
  }

  void beginAttribute(char c) {
    if (attributePending) {
      commitAttribute();
    }
    attributeName.clear();
    attributeName.append(c);
    attributeValue.clear();
    attributePending = true;
  }

  void attributeName(char c) {
    attributeName.append(c);
  }

  void attributeValue(char c) {
    attributeValue.append(c);
  }

  private void commitAttribute() {
    attributes.add(attributeName.array(), 0, attributeName.length(), attributeValue.array(), 0, attributeValue.length());
    attributePending = false;
  }

  private void resetTag() {
    holding = false;
    held.clear();
    name.reset();
    inTag = false;
    attributePending = false;
    state = TokeniserState.TEXT;
  }

  // ---- character references ----

  void beginReference(TokeniserState returnState) {
    reference.clear();
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
      char[] entity = ENTITY_NAMES[i];
      if ((referenceCandidates & (1 << i)) != 0 && position < entity.length && entity[position] == c) {
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
      if ((referenceCandidates & (1 << i)) != 0 && ENTITY_NAMES[i].length == length) {
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
      out.text(reference.array(), 0, reference.length());
    } else {
      attributeValue.append(reference);
    }
  }
}
