package dev.gameagent.protocol;

import dev.gameagent.core.TurnEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes {@code agent_tag_open}, {@code agent_tag_chunk} and {@code agent_tag_close} straight to
 * UTF-8 JSON bytes: the hot path, one message per streamed token. Each message is measured in one
 * pass and written in a second into an array of exactly its size, which is the only allocation.
 *
 * <p>The output is byte for byte what the codec's Jackson generator writes for the same fields in
 * the same order: {@code "} and {@code \} and the control characters {@code \b \t \n \f \r} get
 * their short escapes, the other control characters below U+0020 a {@code \}{@code u00XX} escape
 * with upper-case hex, a valid surrogate pair becomes one 4-byte UTF-8 sequence, and an unpaired
 * surrogate a {@code \}{@code uXXXX} escape (it has no UTF-8 form); everything else, U+007F and
 * U+2028 included, is written as plain UTF-8. A null string is written as {@code null}.
 *
 * <p>Stateless and thread-safe.
 */
final class TagEventWriter {
  private static final byte[] OPEN = ascii("{\"type\":\"agent_tag_open\",\"agent_id\":");
  private static final byte[] CHUNK = ascii("{\"type\":\"agent_tag_chunk\",\"agent_id\":");
  private static final byte[] CLOSE = ascii("{\"type\":\"agent_tag_close\",\"agent_id\":");
  private static final byte[] TURN_ID = ascii(",\"turn_id\":");
  private static final byte[] INDEX = ascii(",\"index\":");
  private static final byte[] TAG = ascii(",\"tag\":");
  private static final byte[] ATTRIBUTES = ascii(",\"attributes\":{");
  private static final byte[] TEXT = ascii(",\"text\":");
  private static final byte[] CONTENT = ascii(",\"content\":");
  private static final byte[] COMPLETE_TRUE = ascii(",\"complete\":true}");
  private static final byte[] COMPLETE_FALSE = ascii(",\"complete\":false}");
  private static final byte[] NULL = ascii("null");
  private static final byte[] HEX = ascii("0123456789ABCDEF");

  /** Per ASCII character: 0 written as is, a letter for its short escape, or -1 for {@code \}{@code u00XX}. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
  }

  private TagEventWriter() {}

  static byte[] open(TurnEvent.TagOpen event) {
    Map<String, String> attributes = event.attributes();
    int length = OPEN.length + head(event.agentId(), event.turnId(), event.index(), event.tag())
        + ATTRIBUTES.length + 2;
    if (!attributes.isEmpty()) {
      length += attributes.size() - 1;
      for (Map.Entry<String, String> attribute : attributes.entrySet()) {
        length += stringLength(attribute.getKey()) + 1 + stringLength(attribute.getValue());
      }
    }
    byte[] out = new byte[length];
    int p = writeHead(out, OPEN, event.agentId(), event.turnId(), event.index(), event.tag());
    p = raw(out, p, ATTRIBUTES);
    boolean first = true;
    for (Map.Entry<String, String> attribute : attributes.entrySet()) {
      if (!first) {
        out[p++] = ',';
      }
      first = false;
      p = string(out, p, attribute.getKey());
      out[p++] = ':';
      p = string(out, p, attribute.getValue());
    }
    out[p++] = '}';
    out[p] = '}';
    return out;
  }

  static byte[] chunk(TurnEvent.TagChunk event) {
    int length = CHUNK.length + head(event.agentId(), event.turnId(), event.index(), event.tag())
        + TEXT.length + stringLength(event.text()) + 1;
    byte[] out = new byte[length];
    int p = writeHead(out, CHUNK, event.agentId(), event.turnId(), event.index(), event.tag());
    p = raw(out, p, TEXT);
    p = string(out, p, event.text());
    out[p] = '}';
    return out;
  }

  static byte[] close(TurnEvent.TagClose event) {
    byte[] complete = event.complete() ? COMPLETE_TRUE : COMPLETE_FALSE;
    int length = CLOSE.length + head(event.agentId(), event.turnId(), event.index(), event.tag())
        + CONTENT.length + stringLength(event.content()) + complete.length;
    byte[] out = new byte[length];
    int p = writeHead(out, CLOSE, event.agentId(), event.turnId(), event.index(), event.tag());
    p = raw(out, p, CONTENT);
    p = string(out, p, event.content());
    raw(out, p, complete);
    return out;
  }

  /** The length of the fields every tag event shares after its prefix: agent, turn, index, tag. */
  private static int head(String agentId, String turnId, int index, String tag) {
    return stringLength(agentId) + TURN_ID.length + stringLength(turnId) + INDEX.length + intLength(index)
        + TAG.length + stringLength(tag);
  }

  private static int writeHead(byte[] out, byte[] prefix, String agentId, String turnId, int index, String tag) {
    int p = raw(out, 0, prefix);
    p = string(out, p, agentId);
    p = raw(out, p, TURN_ID);
    p = string(out, p, turnId);
    p = raw(out, p, INDEX);
    p = integer(out, p, index);
    p = raw(out, p, TAG);
    return string(out, p, tag);
  }

  /** The number of bytes {@link #string} writes for {@code s}, quotes included. */
  static int stringLength(String s) {
    if (s == null) {
      return NULL.length;
    }
    int length = 2;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        int escape = ESCAPES[c];
        length += escape == 0 ? 1 : escape < 0 ? 6 : 2;
      } else if (c < 0x800) {
        length += 2;
      } else if (!Character.isSurrogate(c)) {
        length += 3;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 6;
      }
    }
    return length;
  }

  /** Writes {@code s} as a quoted, escaped JSON string at {@code p}; returns the position after it. */
  static int string(byte[] out, int p, String s) {
    if (s == null) {
      return raw(out, p, NULL);
    }
    out[p++] = '"';
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        int escape = ESCAPES[c];
        if (escape == 0) {
          out[p++] = (byte) c;
        } else {
          out[p++] = '\\';
          if (escape > 0) {
            out[p++] = (byte) escape;
          } else {
            p = unicodeEscape(out, p, c);
          }
        }
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | (c >> 6));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out[p++] = (byte) (0xE0 | (c >> 12));
        out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[p++] = (byte) (0xF0 | (cp >> 18));
        out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        out[p++] = '\\';
        p = unicodeEscape(out, p, c);
      }
    }
    out[p++] = '"';
    return p;
  }

  /** Writes {@code u} and four upper-case hex digits (the backslash is already written). */
  private static int unicodeEscape(byte[] out, int p, char c) {
    out[p++] = 'u';
    out[p++] = HEX[(c >> 12) & 0xF];
    out[p++] = HEX[(c >> 8) & 0xF];
    out[p++] = HEX[(c >> 4) & 0xF];
    out[p++] = HEX[c & 0xF];
    return p;
  }

  static int intLength(int value) {
    if (value == Integer.MIN_VALUE) {
      return 11;
    }
    int length = value < 0 ? 2 : 1;
    for (int v = Math.abs(value); v >= 10; v /= 10) {
      length++;
    }
    return length;
  }

  static int integer(byte[] out, int p, int value) {
    if (value == Integer.MIN_VALUE) {
      return raw(out, p, ascii(Integer.toString(value)));
    }
    int end = p + intLength(value);
    int v = Math.abs(value);
    int q = end;
    do {
      out[--q] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (value < 0) {
      out[--q] = '-';
    }
    return end;
  }

  private static int raw(byte[] out, int p, byte[] bytes) {
    System.arraycopy(bytes, 0, out, p, bytes.length);
    return p + bytes.length;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
