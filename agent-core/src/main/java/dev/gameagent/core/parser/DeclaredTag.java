package dev.gameagent.core.parser;

import dev.gameagent.core.OutputTag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A structural tag as the parser enforces it: a declared {@link OutputTag}, or {@code tool_call}
 * when tools are declared. Allowed values are kept stripped, in their declared spelling, and
 * compared ignoring case. Immutable.
 */
final class DeclaredTag {

  static final String TOOL_CALL = "tool_call";

  /** A declared attribute and its allowed values; an empty list allows any value. */
  private record AttributeRule(String name, List<String> allowed) {}

  private final String name;
  private final List<String> values;
  private final List<AttributeRule> attributes;
  private final List<String> tools;
  private final boolean selfClosing;

  private DeclaredTag(
      String name, List<String> values, List<AttributeRule> attributes, List<String> tools, boolean selfClosing) {
    this.name = name;
    this.values = values;
    this.attributes = attributes;
    this.tools = tools;
    this.selfClosing = selfClosing;
  }

  static DeclaredTag of(OutputTag tag) {
    List<AttributeRule> rules = new ArrayList<>();
    tag.attributes().forEach((attribute, allowed) -> rules.add(new AttributeRule(attribute, stripAll(allowed))));
    return new DeclaredTag(tag.name(), stripAll(tag.values()), List.copyOf(rules), List.of(), tag.selfClosing());
  }

  /** The {@code tool_call} tag for the given (non-empty) tool names. */
  static DeclaredTag toolCall(Collection<String> toolNames) {
    return new DeclaredTag(TOOL_CALL, List.of(), List.of(), stripAll(toolNames), false);
  }

  String name() {
    return name;
  }

  /** Whether the tag has no content, so its open tag closes it even without {@code />}. */
  boolean selfClosing() {
    return selfClosing;
  }

  boolean toolCall() {
    return !tools.isEmpty();
  }

  /** Whether the tag is sent whole at its close (open, at most one chunk, close) once validated. */
  boolean sentWhole() {
    return toolCall() || !values.isEmpty();
  }

  /** The declared spelling of the allowed value equal to {@code content}, or null when none is. */
  String allowedValue(String content) {
    return match(values, content);
  }

  /**
   * The declared spelling of the tool named by the {@code name} attribute, or null when the
   * attribute is missing or names no declared tool.
   */
  String tool(List<String> attributeNames, List<String> attributeValues) {
    for (int i = 0; i < attributeNames.size(); i++) {
      if (attributeNames.get(i).equalsIgnoreCase("name")) {
        return match(tools, attributeValues.get(i));
      }
    }
    return null;
  }

  /**
   * The attributes to report, in source order, or null when one is outside its declared list (a
   * declared list that is not empty also makes its attribute required). Declared attributes are
   * reported under their declared name, constrained values in their declared spelling, other
   * attributes as written; of a repeated attribute the first counts.
   */
  Map<String, String> attributes(List<String> attributeNames, List<String> attributeValues) {
    if (attributeNames.isEmpty() && attributes.isEmpty()) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (int i = 0; i < attributeNames.size(); i++) {
      String written = attributeNames.get(i);
      AttributeRule rule = rule(written);
      String key = rule == null ? written : rule.name();
      if (containsIgnoringCase(result, key)) {
        continue;
      }
      String value = attributeValues.get(i);
      if (rule != null && !rule.allowed().isEmpty()) {
        value = match(rule.allowed(), value);
        if (value == null) {
          return null;
        }
      }
      result.put(key, value);
    }
    for (AttributeRule rule : attributes) {
      if (!rule.allowed().isEmpty() && !result.containsKey(rule.name())) {
        return null;
      }
    }
    return result.size() == 1 ? Map.copyOf(result) : Collections.unmodifiableMap(result);
  }

  private AttributeRule rule(String attributeName) {
    for (AttributeRule rule : attributes) {
      if (rule.name().equalsIgnoreCase(attributeName)) {
        return rule;
      }
    }
    return null;
  }

  private static boolean containsIgnoringCase(Map<String, String> map, String key) {
    for (String existing : map.keySet()) {
      if (existing.equalsIgnoreCase(key)) {
        return true;
      }
    }
    return false;
  }

  private static String match(List<String> allowed, String candidate) {
    String stripped = candidate.strip();
    for (String value : allowed) {
      if (value.equalsIgnoreCase(stripped)) {
        return value;
      }
    }
    return null;
  }

  private static List<String> stripAll(Collection<String> strings) {
    List<String> result = new ArrayList<>(strings.size());
    for (String s : strings) {
      result.add(s.strip());
    }
    return List.copyOf(result);
  }

  @Override
  public String toString() {
    return name;
  }
}
