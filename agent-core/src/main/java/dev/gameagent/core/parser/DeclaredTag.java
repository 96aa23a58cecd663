package dev.gameagent.core.parser;

import dev.gameagent.core.OutputTag;
import java.util.ArrayList;
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
  private final List<String> values;
  private final String[] attributeNames;
  private final List<List<String>> attributeValues;
  /** Per attribute, per allowed value, the attribute map of a tag that has only that attribute. */
  private final List<List<Map<String, String>>> onlyAttributeMaps;
  private final int requiredAttributes;
  private final List<String> tools;
  private final boolean selfClosing;
  private final boolean toolCall;
  private final boolean sentWhole;

  private DeclaredTag(String name, List<String> values, Map<String, List<String>> attributes, List<String> tools,
      boolean selfClosing) {
    this.name = name;
    this.values = values;
    this.attributeNames = new String[attributes.size()];
    this.attributeValues = new ArrayList<>(attributes.size());
    this.onlyAttributeMaps = new ArrayList<>(attributes.size());
    int required = 0;
    for (Map.Entry<String, List<String>> attribute : attributes.entrySet()) {
      String attributeName = attribute.getKey();
      List<String> allowed = stripAll(attribute.getValue());
      attributeNames[attributeValues.size()] = attributeName;
      attributeValues.add(allowed);
      List<Map<String, String>> maps = new ArrayList<>(allowed.size());
      for (String value : allowed) {
        maps.add(Map.of(attributeName, value));
      }
      onlyAttributeMaps.add(List.copyOf(maps));
      required += allowed.isEmpty() ? 0 : 1;
    }
    this.requiredAttributes = required;
    this.tools = tools;
    this.selfClosing = selfClosing;
    this.toolCall = !tools.isEmpty();
    this.sentWhole = toolCall || !values.isEmpty();
  }

  static DeclaredTag of(OutputTag tag) {
    return new DeclaredTag(tag.name(), stripAll(tag.values()), tag.attributes(), List.of(), tag.selfClosing());
  }

  /** The {@code tool_call} tag for the given (non-empty) tool names. */
  static DeclaredTag toolCall(Collection<String> toolNames) {
    return new DeclaredTag(TOOL_CALL, List.of(), Map.of(), stripAll(toolNames), false);
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
  String allowedValue(CharSequence content) {
    int value = match(values, content);
    return value < 0 ? null : values.get(value);
  }

  /** The declared spelling of the tool named {@code toolName}, or null when none is. */
  String tool(CharSequence toolName) {
    int tool = toolName == null ? -1 : match(tools, toolName);
    return tool < 0 ? null : tools.get(tool);
  }

  /** The index of the declared attribute called {@code attribute} ignoring case, or -1. */
  int attribute(CharSequence attribute) {
    for (int i = 0; i < attributeNames.length; i++) {
      if (equalsIgnoringCase(attributeNames[i], attribute, 0, attribute.length())) {
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
    return !attributeValues.get(attribute).isEmpty();
  }

  /** The index of the attribute's allowed value equal to {@code value}, or -1. */
  int allowedValueIndex(int attribute, CharSequence value) {
    return match(attributeValues.get(attribute), value);
  }

  /** The declared spelling of the attribute's allowed value at {@code valueIndex}. */
  String attributeValue(int attribute, int valueIndex) {
    return attributeValues.get(attribute).get(valueIndex);
  }

  /**
   * The attributes of a tag whose only attribute is this constrained one with the allowed value at
   * {@code valueIndex}: built once, since a tag such as {@code <action name="wave"/>} comes often.
   */
  Map<String, String> onlyAttribute(int attribute, int valueIndex) {
    return onlyAttributeMaps.get(attribute).get(valueIndex);
  }

  /** How many attributes are constrained, and so required. */
  int requiredAttributes() {
    return requiredAttributes;
  }

  /** The index of the allowed value equal to {@code text} stripped, ignoring case, or -1. */
  private static int match(List<String> allowed, CharSequence text) {
    int start = 0;
    int end = text.length();
    while (start < end && Chars.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Chars.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    for (int i = 0; i < allowed.size(); i++) {
      if (equalsIgnoringCase(allowed.get(i), text, start, end)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code expected.equalsIgnoreCase(text[start, end))}, without copying the text. */
  static boolean equalsIgnoringCase(String expected, CharSequence text, int start, int end) {
    if (expected.length() != end - start) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      char a = expected.charAt(i);
      char b = text.charAt(start + i);
      if (a != b && Chars.fold(a) != Chars.fold(b)) {
        return false;
      }
    }
    return true;
  }

  private static List<String> stripAll(Collection<String> strings) {
    if (strings.isEmpty()) {
      return List.of();
    }
    String[] result = new String[strings.size()];
    int i = 0;
    for (String s : strings) {
      result[i++] = s.strip();
    }
    return List.of(result);
  }

  @Override
  public String toString() {
    return name;
  }
}
