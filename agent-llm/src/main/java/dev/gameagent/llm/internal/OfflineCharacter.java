package dev.gameagent.llm.internal;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.OutputTag;
import dev.gameagent.core.ToolSpec;
import java.util.List;

/**
 * The part of an agent spec the offline model reads: who speaks and which tags and tools it may
 * use. Text fields are null when the spec lacks them.
 */
record OfflineCharacter(
    String name, String role, String mood, String location, List<OutputTag> tags, String defaultTag, List<ToolSpec> tools) {

  OfflineCharacter {
    tags = List.copyOf(tags);
    tools = List.copyOf(tools);
  }

  /** A nameless character with the default tags, for requests that carry no spec. */
  static OfflineCharacter anonymous() {
    return new OfflineCharacter(null, null, null, null, OutputTag.defaults(), null, List.of());
  }

  static OfflineCharacter of(AgentSpec spec) {
    return new OfflineCharacter(spec.name(), text(spec, "role"), text(spec, "mood"), text(spec, "location"),
        spec.outputTags(), spec.defaultTag(), spec.tools());
  }

  private static String text(AgentSpec spec, String field) {
    Object v = spec.fields().get(field);
    if (v == null || v instanceof java.util.Map || v instanceof java.util.Collection) {
      return null;
    }
    String s = v.toString().strip();
    return s.isEmpty() ? null : s;
  }
}
