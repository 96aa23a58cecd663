package dev.gameagent.core;

import java.util.Map;
import java.util.Objects;

/**
 * A tool the model may call with {@code <tool_call name="...">{json}</tool_call>}. Immutable.
 *
 * @param name the tool's name, non-blank; what the model writes in the {@code name} attribute
 * @param description what the tool does, for the output contract; may be empty
 * @param parameters the JSON Schema of the arguments as a tree of maps, lists, strings, numbers,
 *     booleans and nulls (deeply copied, order kept); may be empty
 */
public record ToolSpec(String name, String description, Map<String, Object> parameters) {
  public ToolSpec {
    Objects.requireNonNull(name, "name == null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("tool name is blank");
    }
    description = description == null ? "" : description;
    parameters = parameters == null ? Map.of() : JsonTree.copyMap(parameters, "tool " + name + " parameters");
  }
}
