package dev.gameagent.core.parser;

import dev.gameagent.core.OutputTag;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A structural tag as the parser enforces it: a declared {@link OutputTag}, or {@code tool_call}
 * when tools are declared. Allowed values (of the content, of attributes, of tool names) are kept
 * stripped in their declared spelling and compared with the model's text stripped and ignoring
 * case, without copying it. Immutable.
 */
final class DeclaredTag {

  static final String TOOL_CALL = "tool_call";

  private final String name;
  private final String[] values;
  private final String[] attributeNames;
  /** Per attribute, its allowed values stripped; empty when any value is allowed. */
  private final String[][] attributeValues;
  /** Per attribute, per allowed value, the attribute map of a tag that has only that attribute. */
  private final Map<String, String>[][] onlyAttributeMaps;
  private final int requiredAttributes;
  private final String[] tools;
  private final boolean selfClosing;
  private final boolean toolCall;
  private final boolean sentWhole;

  @SuppressWarnings("unchecked")
  private DeclaredTag(String name, String[] values, Map<String, List<String>> attributes, String[] tools,
      boolean selfClosing) {
    this.name = name;
    this.values = values;
    this.attributeNames = new String[attributes.size()];
    this.attributeValues = new String[attributes.size()][];
    this.onlyAttributeMaps = new Map[attributes.size()][];
    int required = 0;
    int i = 0;
    for (Map.Entry<String, List<String>> attribute : attributes.entrySet()) {
      String attributeName = attribute.getKey();
      String[] allowed = stripAll(attribute.getValue());
      attributeNames[i] = attributeName;
      attributeValues[i] = allowed;
      onlyAttributeMaps[i] = new Map[allowed.length];
      for (int v = 0; v < allowed.length; v++) {
        onlyAttributeMaps[i][v] = Map.of(attributeName, allowed[v]);
      }
      required += allowed.length == 0 ? 0 : 1;
      i++;
    }
    this.requiredAttributes = required;
    this.tools = tools;
    this.selfClosing = selfClosing;
    this.toolCall = tools.length > 0;
    this.sentWhole = toolCall || values.length > 0;
  }

  static DeclaredTag of(OutputTag tag) {
    return new DeclaredTag(tag.name(), stripAll(tag.values()), tag.attributes(), new String[0], tag.selfClosing());
  }

  /** The {@code tool_call} tag for the given (non-empty) tool names. */
  static DeclaredTag toolCall(Collection<String> toolNames) {
    return new DeclaredTag(TOOL_CALL, new String[0], Map.of(), stripAll(toolNames), false);
  }

  String name() {
    return name;
  }

  /** Whether the tag has no content, so its open tag closes it even without {@code />}. */
  boolean selfClosing() {
    return selfClosing;
  }

  boolean toolCall() {
    return toolCall;
  }

  /** Whether the tag is sent whole at its close (open, at most one chunk, close) once validated. */
  boolean sentWhole() {
    return sentWhole;
  }

  /** The declared spelling of the allowed value equal to {@code content}, or null when none is. */
  String allowedValue(char[] content, int start, int end) {
    int value = match(values, content, start, end);
    return value < 0 ? null : values[value];
  }

  /** The declared spelling of the tool named {@code toolName}, or null when none is. */
  String tool(String toolName) {
    int tool = toolName == null ? -1 : match(tools, toolName.toCharArray(), 0, toolName.length());
    return tool < 0 ? null : tools[tool];
  }

  /** The index of the declared attribute called {@code attribute} ignoring case, or -1. */
  int attribute(char[] attribute, int start, int end) {
    for (int i = 0; i < attributeNames.length; i++) {
      if (equalsIgnoringCase(attributeNames[i], attribute, start, end)) {
        return i;
      }
    }
    return -1;
  }

  String attributeName(int attribute) {
    return attributeNames[attribute];
  }

  /** Whether the attribute's values are constrained, which also makes it required. */
  boolean constrained(int attribute) {
    return attributeValues[attribute].length > 0;
  }

  /** The index of the attribute's allowed value equal to {@code value}, or -1. */
  int allowedValueIndex(int attribute, char[] value, int start, int end) {
    return match(attributeValues[attribute], value, start, end);
  }

  /** The declared spelling of the attribute's allowed value at {@code valueIndex}. */
  String attributeValue(int attribute, int valueIndex) {
    return attributeValues[attribute][valueIndex];
  }

  /**
   * The attributes of a tag whose only attribute is this constrained one with the allowed value at
   * {@code valueIndex}: built once, since a tag such as {@code <action name="wave"/>} comes often.
   */
  Map<String, String> onlyAttribute(int attribute, int valueIndex) {
    return onlyAttributeMaps[attribute][valueIndex];
  }

  /** How many attributes are constrained, and so required. */
  int requiredAttributes() {
    return requiredAttributes;
  }

  /** The index of the allowed value equal to {@code text} stripped, ignoring case, or -1. */
  private static int match(String[] allowed, char[] text, int start, int end) {
    while (start < end && Chars.isWhitespace(text[start])) {
      start++;
    }
    while (end > start && Chars.isWhitespace(text[end - 1])) {
      end--;
    }
    for (int i = 0; i < allowed.length; i++) {
      if (equalsIgnoringCase(allowed[i], text, start, end)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code expected.equalsIgnoreCase(text[start, end))}, without copying the text. */
  static boolean equalsIgnoringCase(String expected, char[] text, int start, int end) {
    if (expected.length() != end - start) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      char a = expected.charAt(i);
      char b = text[start + i];
      if (a != b && Chars.fold(a) != Chars.fold(b)) {
        return false;
      }
    }
    return true;
  }

  private static String[] stripAll(Collection<String> strings) {
    String[] result = new String[strings.size()];
    int i = 0;
    for (String s : strings) {
      result[i++] = s.strip();
    }
    return result;
  }

  @Override
  public String toString() {
    return name;
  }
}
