package dev.gameagent.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * A compact JSON writer for trees of maps, lists, strings, numbers, booleans and nulls, as found in
 * specs, event data and tool outputs. Used for prompt text, so it favours short output: no spaces,
 * integral numbers without {@code .0}, non-ASCII characters as they are.
 *
 * <p>Strings are escaped as JSON requires ({@code "}, {@code \}, control characters) and unpaired
 * surrogates are written as {@code \}{@code uXXXX} escapes, so the text stays valid UTF-16 and valid
 * JSON. Values of other types are written as the JSON string of their {@code toString()}; NaN and
 * infinities, which JSON cannot express, as {@code null}. Stateless and thread-safe.
 */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence s) {
      quote(out, s);
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Number n) {
      number(out, n);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(out, String.valueOf(e.getKey()));
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof Iterable<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item);
      }
      out.append(']');
    } else if (value instanceof Object[] array) {
      write(out, java.util.Arrays.asList(array));
    } else {
      quote(out, value.toString());
    }
  }

  /** Appends {@code n} as JSON; integral values without a fraction, whatever their type. */
  static void number(StringBuilder out, Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || n instanceof BigInteger) {
      out.append(n);
    } else if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        out.append("null");
      } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        out.append((long) d);
      } else if (n instanceof Float) {
        out.append(n); // Float.toString keeps the float's own shortest digits (0.1f, not 0.10000000149)
      } else {
        out.append(d);
      }
    } else if (n instanceof BigDecimal b) {
      BigDecimal stripped = b.stripTrailingZeros();
      out.append(stripped.scale() <= 0 && stripped.precision() - stripped.scale() < 16
          ? stripped.toPlainString() : stripped.toString());
    } else {
      quote(out, n.toString());
    }
  }

  /** Appends {@code s} as a JSON string literal. */
  static void quote(StringBuilder out, CharSequence s) {
    out.append('"');
    int length = s.length();
    int plainFrom = 0;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      String escape = null;
      boolean unicode = false;
      if (c == '"') {
        escape = "\\\"";
      } else if (c == '\\') {
        escape = "\\\\";
      } else if (c < 0x20) {
        switch (c) {
          case '\n' -> escape = "\\n";
          case '\r' -> escape = "\\r";
          case '\t' -> escape = "\\t";
          case '\b' -> escape = "\\b";
          case '\f' -> escape = "\\f";
          default -> unicode = true;
        }
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++; // a valid pair passes through
          continue;
        }
        unicode = true;
      } else if (Character.isLowSurrogate(c)) {
        unicode = true; // its high half would have consumed it above
      } else {
        continue;
      }
      out.append(s, plainFrom, i);
      if (unicode) {
        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      } else {
        out.append(escape);
      }
      plainFrom = i + 1;
    }
    out.append(s, plainFrom, length);
    out.append('"');
  }
}
