package dev.gameagent.core;

import java.util.List;
import java.util.Map;

/**
 * The character dossier: a spec rendered into the readable system prompt. The prompt has an intro
 * line, the {@code # Character} section (every character field, {@code name}, {@code role} and
 * {@code description} first, then the others in the order given), the output contract
 * ({@link OutputContract}) and the spec's instructions.
 *
 * <p>Field names are humanized ({@code world_state} and {@code worldState} become "World state");
 * keys inside values are data and stay as given. Values: strings as they are, integral numbers
 * without {@code .0}, booleans as {@code true}/{@code false}, null and empty strings, lists and
 * objects as "none"; lists as {@code - } bullets and objects as {@code key: value} lines, nested
 * ones indented by two spaces. Stateless; the same spec always gives the same text.
 */
final class Dossier {
  private static final List<String> FIRST = List.of("name", "role", "description");
  private static final String NONE = "none";

  private Dossier() {}

  /** The whole system prompt for {@code spec}. */
  static String systemPrompt(AgentSpec spec) {
    StringBuilder out = new StringBuilder(1024);
    intro(out, spec);
    out.append("\n\n# Character\n");
    character(out, spec.fields());
    out.append('\n');
    OutputContract.render(out, spec);
    String instructions = spec.instructions();
    if (instructions != null && !instructions.isBlank()) {
      out.append("\n# Instructions\n").append(instructions.strip()).append('\n');
    }
    return out.toString();
  }

  private static void intro(StringBuilder out, AgentSpec spec) {
    out.append("You are ").append(spec.name()).append(", a character in a game. Stay in character: speak and act only as ")
        .append(spec.name()).append(" would, from what you know below.");
  }

  static void character(StringBuilder out, Map<String, Object> fields) {
    for (String key : FIRST) {
      if (fields.containsKey(key)) {
        entry(out, 0, humanize(key), fields.get(key));
      }
    }
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!FIRST.contains(e.getKey())) {
        entry(out, 0, humanize(e.getKey()), e.getValue());
      }
    }
  }

  /** Writes {@code label: value}, or {@code label:} and the value's lines indented below it. */
  private static void entry(StringBuilder out, int indent, String label, Object value) {
    indent(out, indent).append(label).append(':');
    if (isBlock(value)) {
      out.append('\n');
      block(out, indent + 2, value, false);
    } else {
      out.append(' ');
      scalar(out, value);
      out.append('\n');
    }
  }

  /**
   * Writes a non-empty list, object or multi-line string as lines at {@code indent}. With
   * {@code inline}, the first line continues the current one (after a {@code "- "} bullet).
   */
  private static void block(StringBuilder out, int indent, Object value, boolean inline) {
    boolean first = true;
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        entry(out, first && inline ? 0 : indent, String.valueOf(e.getKey()), e.getValue());
        first = false;
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        indent(out, first && inline ? 0 : indent).append("- ");
        if (isBlock(item)) {
          block(out, indent + 2, item, true);
        } else {
          scalar(out, item);
          out.append('\n');
        }
        first = false;
      }
    } else {
      String text = ((String) value).strip();
      int from = 0;
      while (from <= text.length()) {
        int end = lineEnd(text, from);
        String line = text.substring(from, end).stripTrailing();
        if (!line.isEmpty()) {
          indent(out, first && inline ? 0 : indent).append(line);
        }
        out.append('\n');
        first = false;
        from = end < text.length() && text.charAt(end) == '\r' && end + 1 < text.length()
            && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
      }
    }
  }

  /** The index of the first CR or LF at or after {@code from}, or the length. */
  private static int lineEnd(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        return i;
      }
    }
    return s.length();
  }

  private static boolean isBlock(Object value) {
    return value instanceof Map<?, ?> map ? !map.isEmpty()
        : value instanceof List<?> list ? !list.isEmpty()
        : value instanceof String s && isMultiLine(s);
  }

  /** Whether {@code s} has a line break between its first and last non-whitespace characters. */
  private static boolean isMultiLine(String s) {
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    int start = 0;
    while (start < end && Character.isWhitespace(s.charAt(start))) {
      start++;
    }
    return lineEnd(s, start) < end;
  }

  /** Appends a value that fits on one line. */
  static void scalar(StringBuilder out, Object value) {
    if (value == null || value instanceof Map || value instanceof List) {
      out.append(NONE); // only empty objects and lists get here
    } else if (value instanceof String s) {
      out.append(s.isBlank() ? NONE : s.strip());
    } else if (value instanceof Number n) {
      JsonText.number(out, n);
    } else {
      out.append(value);
    }
  }

  private static StringBuilder indent(StringBuilder out, int indent) {
    for (int i = 0; i < indent; i++) {
      out.append(' ');
    }
    return out;
  }

  /**
   * {@code world_state}, {@code worldState} and {@code world-state} become "World state"; words in
   * capitals stay so ({@code npcID} becomes "Npc ID").
   */
  static String humanize(String key) {
    StringBuilder out = new StringBuilder(key.length() + 4);
    int wordStart = -1;
    for (int i = 0; i <= key.length(); i++) {
      char c = i < key.length() ? key.charAt(i) : ' ';
      boolean separator = c == '_' || c == '-' || c == ' ';
      boolean boundary = separator || wordStart >= 0 && Character.isUpperCase(c)
          && (Character.isLowerCase(key.charAt(i - 1)) || Character.isDigit(key.charAt(i - 1))
              || i + 1 < key.length() && Character.isLowerCase(key.charAt(i + 1)) && Character.isUpperCase(key.charAt(i - 1)));
      if (boundary && wordStart >= 0) {
        word(out, key, wordStart, i);
        wordStart = -1;
      }
      if (!separator && wordStart < 0) {
        wordStart = i;
      }
    }
    if (out.length() == 0) {
      return key;
    }
    out.setCharAt(0, Character.toUpperCase(out.charAt(0)));
    return out.toString();
  }

  private static void word(StringBuilder out, String key, int from, int to) {
    if (out.length() > 0) {
      out.append(' ');
    }
    boolean capitals = to - from > 1;
    for (int i = from; i < to && capitals; i++) {
      capitals = !Character.isLowerCase(key.charAt(i));
    }
    for (int i = from; i < to; i++) {
      out.append(capitals ? key.charAt(i) : Character.toLowerCase(key.charAt(i)));
    }
  }
}
