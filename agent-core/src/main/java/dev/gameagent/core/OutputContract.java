package dev.gameagent.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output contract: the {@code # How to answer} section of the system prompt. It lists each
 * declared tag with its form, description, allowed values and attributes; says what happens to text
 * outside the tags; lists the tools with their JSON Schema and how to call them; and ends with an
 * example answer built from the declared tags and their first allowed values. Stateless.
 */
final class OutputContract {
  /** Stands for content the model writes itself, in the forms and the example. */
  private static final String YOURS = "...";

  private OutputContract() {}

  static void render(StringBuilder out, AgentSpec spec) {
    out.append("# How to answer\n")
        .append("Answer only with these tags, in the order you speak and act. Use each as often as you need; "
            + "tags do not nest.\n");
    for (OutputTag tag : spec.outputTags()) {
      describe(out, tag);
    }
    if (spec.defaultTag() == null) {
      out.append("Text outside the tags is ignored: nobody sees or hears it.\n");
    } else {
      out.append("Text outside the tags counts as <").append(spec.defaultTag()).append(">.\n");
    }
    if (!spec.tools().isEmpty()) {
      tools(out, spec.tools());
    }
    out.append("\nExample of a valid answer (your own words go where it says ").append(YOURS).append("):\n");
    example(out, spec.outputTags());
    out.append('\n');
  }

  private static void describe(StringBuilder out, OutputTag tag) {
    out.append("- ");
    Map<String, String> attributes = new LinkedHashMap<>();
    tag.attributes().keySet().forEach(a -> attributes.put(a, YOURS));
    TagText.tag(out, tag.name(), attributes, tag.selfClosing() ? "" : YOURS);
    out.append(':');
    if (!tag.description().isBlank()) {
      out.append(' ');
      sentence(out, tag.description());
    }
    if (tag.selfClosing()) {
      out.append(" Self-closing, no content.");
    } else if (!tag.values().isEmpty()) {
      out.append(" Content: one of ");
      oneOf(out, tag.values());
      out.append('.');
    }
    tag.attributes().forEach((name, allowed) -> {
      out.append(" Attribute ").append(name).append(": ");
      if (allowed.isEmpty()) {
        out.append("any value.");
      } else {
        out.append("one of ");
        oneOf(out, allowed);
        out.append('.');
      }
    });
    out.append('\n');
  }

  private static void tools(StringBuilder out, List<ToolSpec> tools) {
    out.append("\nTools: to use one, write <tool_call name=\"TOOL\">{JSON arguments}</tool_call>, then stop: "
        + "the result comes back in the next message, so never invent it.\n");
    for (ToolSpec tool : tools) {
      out.append("- ").append(tool.name());
      if (!tool.description().isBlank()) {
        out.append(": ");
        sentence(out, tool.description());
      }
      if (!tool.parameters().isEmpty()) {
        out.append(" Arguments (JSON Schema): ");
        JsonText.write(out, tool.parameters());
      }
      out.append('\n');
    }
    ToolSpec first = tools.get(0);
    out.append("For example: ");
    TagText.tag(out, "tool_call", Map.of("name", first.name()), JsonText.write(sampleArguments(first.parameters())));
    out.append('\n');
  }

  /** Arguments for the example call: each declared property with a placeholder of its type. */
  private static Map<String, Object> sampleArguments(Map<String, Object> schema) {
    Map<String, Object> arguments = new LinkedHashMap<>();
    if (schema.get("properties") instanceof Map<?, ?> properties) {
      properties.forEach((name, property) -> {
        Object type = property instanceof Map<?, ?> p ? p.get("type") : null;
        arguments.put(String.valueOf(name), switch (String.valueOf(type)) {
          case "string" -> YOURS;
          case "integer", "number" -> 1;
          case "boolean" -> true;
          case "array" -> List.of();
          case "object" -> Map.of();
          default -> null;
        });
      });
    }
    return arguments;
  }

  private static void example(StringBuilder out, List<OutputTag> tags) {
    for (OutputTag tag : tags) {
      Map<String, String> attributes = new LinkedHashMap<>();
      tag.attributes().forEach((name, allowed) -> attributes.put(name, allowed.isEmpty() ? YOURS : allowed.get(0)));
      String content = tag.selfClosing() ? "" : tag.values().isEmpty() ? YOURS : tag.values().get(0);
      TagText.tag(out, tag.name(), attributes, content);
    }
  }

  private static void oneOf(StringBuilder out, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(values.get(i));
    }
  }

  /** Appends {@code text} stripped, with a full stop unless it already ends in punctuation. */
  private static void sentence(StringBuilder out, String text) {
    String s = text.strip();
    out.append(s);
    if (Character.isLetterOrDigit(s.charAt(s.length() - 1))) {
      out.append('.');
    }
  }
}
