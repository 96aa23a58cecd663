package dev.gameagent.core;

import java.util.Objects;

/**
 * The game's result of one tool call.
 *
 * @param callId the {@code call_id} the server assigned ({@code {turn_id}.c{n}})
 * @param output the result as a tree of maps, lists and scalars, its maps and lists copied at every
 *     depth; may be null
 */
public record ToolResult(String callId, String name, Object output, boolean isError) {
  public ToolResult {
    Objects.requireNonNull(callId, "callId == null");
    name = name == null ? "" : name;
    output = JsonTree.copyStructure(output);
  }
}
