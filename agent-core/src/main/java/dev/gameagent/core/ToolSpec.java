package dev.gameagent.core;

import java.util.Map;
import java.util.Objects;

/**
 * A tool the model may call with {@code <tool_call name="...">{json}</tool_call>}.
 *
 * @param parameters the JSON Schema of the arguments as a tree of maps, lists, strings, numbers,
 *     booleans and nulls; may be empty
 */
public record ToolSpec(String name, String description, Map<String, Object> parameters) {
  public ToolSpec {
    Objects.requireNonNull(name, "name == null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("tool name is empty");
    }
    description = description == null ? "" : description;
    parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
  }
}
