package dev.gameagent.core.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the {@link Tokeniser}'s decoded text and structural tags into {@link TagListener} events:
 * tags never nest, content is trimmed as it streams, text outside tags goes to the default tag or
 * is dropped, declared constraints decide what is sent, and indexes count what was sent.
 *
 * <p>Text is accumulated while a {@code feed} runs and released as one chunk per tag, at the tag's
 * close or at {@link #flush()}; a run of whitespace stays held until non-whitespace follows it.
 * Confined to its parser's thread.
 */
final class TagAssembler {

  /** How the open tag's content is handled. */
  private enum Mode {
    /** Released as it arrives. */
    STREAMING,
    /** Held until the close, then validated and sent whole. */
    WHOLE,
    /** Rejected at its open; its content is swallowed until its close. */
    SUPPRESSED
  }

  private final TagListener listener;
  private final DeclaredTag defaultTag;
  private final String callIdPrefix;
  private final List<TagRejection> rejections = new ArrayList<>();

  /**
   * The open tag's content so far, leading whitespace dropped: up to {@link #trimmed} it is the
   * trimmed content, after it comes whitespace not yet known not to be trailing (kept here so a
   * later word costs no second copy). What is past {@link #released} is not yet sent.
   */
  private final TextBuffer content = new TextBuffer(256);
  /** The length of {@link #content} up to its last non-whitespace character. */
  private int trimmed;

  private DeclaredTag open;
  private Mode mode;
  private int index;
  private int released;
  private int chunkCount;
  private String lastChunk;
  /** The attributes of a tag sent whole, kept until its close. */
  private Map<String, String> wholeAttributes;
  private String toolName;

  private int nextIndex;
  private int nextCallNumber = 1;

  TagAssembler(TagListener listener, DeclaredTag defaultTag, String callIdPrefix) {
    this.listener = listener;
    this.defaultTag = defaultTag;
    this.callIdPrefix = callIdPrefix;
  }

  List<TagRejection> rejections() {
    return List.copyOf(rejections);
  }

  /** One character of decoded text. */
  void text(char c) {
    if (open == null) {
      if (defaultTag == null || Chars.isWhitespace(c)) {
        return;
      }
      openDefaultTag();
    }
    if (mode == Mode.SUPPRESSED) {
      return;
    }
    if (Chars.isWhitespace(c)) {
      if (trimmed > 0) {
        content.append(c);
      }
      return;
    }
    content.append(c);
    trimmed = content.length();
  }

  /** The decoded text {@code s[start, end)}, appended in bulk. */
  void text(char[] s, int start, int end) {
    if (open == null) {
      if (defaultTag == null) {
        return;
      }
      while (start < end && Chars.isWhitespace(s[start])) {
        start++;
      }
      if (start == end) {
        return;
      }
      openDefaultTag();
    }
    if (mode == Mode.SUPPRESSED) {
      return;
    }
    int last = end - 1;
    while (last >= start && Chars.isWhitespace(s[last])) {
      last--;
    }
    if (last < start) {
      if (trimmed > 0) {
        content.append(s, start, end);
      }
      return;
    }
    if (trimmed == 0) {
      while (Chars.isWhitespace(s[start])) {
        start++;
      }
    }
    content.append(s, start, end);
    trimmed = content.length() - (end - 1 - last);
  }

  /**
   * A structural open tag: closes the open tag first (complete), then opens {@code tag}, or
   * rejects it when an attribute or its tool is not allowed.
   */
  void startTag(DeclaredTag tag, TagAttributes tagAttributes, boolean selfClosing) {
    if (open != null) {
      close(true);
    }
    Map<String, String> attributes;
    String rejection = null;
    if (tag.toolCall()) {
      attributes = Map.of();
      toolName = tag.tool(tagAttributes.value("name"));
      if (toolName == null) {
        rejection = TagRejection.UNKNOWN_TOOL;
      }
    } else {
      attributes = tagAttributes.allowed();
      if (attributes == null) {
        rejection = TagRejection.ATTRIBUTE_NOT_ALLOWED;
      }
    }
    boolean closesNow = selfClosing || tag.selfClosing();
    if (rejection != null) {
      reject(tag, rejection);
      if (!closesNow) {
        open = tag;
        mode = Mode.SUPPRESSED;
      }
      return;
    }
    begin(tag, attributes);
    if (closesNow) {
      close(true);
    }
  }

  /** A structural closing tag: closes the open tag if it is {@code tag}, else is dropped. */
  void endTag(DeclaredTag tag) {
    if (open == tag) {
      close(true);
    }
  }

  /** Releases the open tag's text accumulated so far; called at the end of each {@code feed}. */
  void flush() {
    if (open != null && mode == Mode.STREAMING) {
      flushChunk();
    }
  }

  /** Ends the stream: a tag still open is closed incomplete (or rejected, if sent whole). */
  void finish() {
    if (open != null) {
      close(false);
    }
  }

  private void openDefaultTag() {
    begin(defaultTag, Map.of());
  }

  private void begin(DeclaredTag tag, Map<String, String> attributes) {
    open = tag;
    if (tag.sentWhole()) {
      mode = Mode.WHOLE;
      wholeAttributes = attributes;
    } else {
      mode = Mode.STREAMING;
      index = nextIndex++;
      listener.onOpen(index, tag.name(), attributes);
    }
  }

  private void close(boolean complete) {
    DeclaredTag tag = open;
    content.truncate(trimmed); // trailing whitespace is not content
    switch (mode) {
      case STREAMING:
        flushChunk();
        listener.onClose(index, tag.name(), streamedContent(), complete);
        break;
      case WHOLE:
        closeWhole(tag, complete);
        break;
      case SUPPRESSED:
        break;
      default:
        throw new AssertionError(mode);
    }
    open = null;
    mode = null;
    content.clear();
    trimmed = 0;
    released = 0;
    chunkCount = 0;
    lastChunk = null;
    wholeAttributes = null;
    toolName = null;
  }

  private void closeWhole(DeclaredTag tag, boolean complete) {
    if (!complete) {
      reject(tag, TagRejection.INCOMPLETE);
    } else if (tag.toolCall()) {
      if (!JsonObjectValidator.isObject(content)) {
        reject(tag, TagRejection.INVALID_ARGUMENTS);
        return;
      }
      Map<String, String> attributes = new LinkedHashMap<>(4);
      attributes.put("name", toolName);
      attributes.put("call_id", callIdPrefix + "c" + nextCallNumber++);
      sendWhole(tag, Collections.unmodifiableMap(attributes), content.toString());
    } else {
      String value = tag.allowedValue(content.array(), 0, content.length());
      if (value == null) {
        reject(tag, TagRejection.VALUE_NOT_ALLOWED);
      } else {
        sendWhole(tag, wholeAttributes, value);
      }
    }
  }

  private void sendWhole(DeclaredTag tag, Map<String, String> attributes, String text) {
    int sent = nextIndex++;
    listener.onOpen(sent, tag.name(), attributes);
    if (!text.isEmpty()) {
      listener.onChunk(sent, tag.name(), text);
    }
    listener.onClose(sent, tag.name(), text, true);
  }

  private void flushChunk() {
    if (trimmed > released) {
      String chunk = content.substring(released, trimmed);
      released = trimmed;
      chunkCount++;
      lastChunk = chunk;
      listener.onChunk(index, open.name(), chunk);
    }
  }

  /** The whole content of a streamed tag, all of it released; reuses a lone chunk's string. */
  private String streamedContent() {
    if (chunkCount == 0) {
      return "";
    }
    return chunkCount == 1 ? lastChunk : content.toString();
  }

  private void reject(DeclaredTag tag, String reason) {
    rejections.add(new TagRejection(tag.name(), reason));
    listener.onRejected(rejections.get(rejections.size() - 1));
  }
}
