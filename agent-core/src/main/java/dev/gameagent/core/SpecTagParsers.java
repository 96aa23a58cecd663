package dev.gameagent.core;

import dev.gameagent.core.parser.TagListener;
import dev.gameagent.core.parser.TagParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Makes {@link TagParser}s configured from an agent spec's output contract. */
final class SpecTagParsers {
  private SpecTagParsers() {}

  /**
   * A parser for one turn: the spec's output tags, default tag and tool names, call ids prefixed
   * with the turn id. A null spec means the default output tags and no tools.
   */
  static TagParser forSpec(AgentSpec spec, String turnId, TagListener listener) {
    List<String> toolNames = new ArrayList<>();
    if (spec != null) {
      for (ToolSpec tool : spec.tools()) {
        toolNames.add(tool.name());
      }
    }
    return TagParser.builder()
        .tags(spec == null ? OutputTag.defaults() : spec.outputTags())
        .defaultTag(spec == null ? null : spec.defaultTag())
        .tools(toolNames)
        .callIdPrefix(turnId)
        .listener(listener)
        .build();
  }

  /** Parses a whole tagged buffer ({@code agent_turn_result.buffer}) into the tags it sends. */
  static List<ConfirmedTag> confirmedTags(AgentSpec spec, String turnId, String buffer) {
    List<ConfirmedTag> tags = new ArrayList<>();
    TagListener collector = new TagListener() {
      private Map<String, String> attributes = Map.of();

      @Override
      public void onOpen(int index, String tag, Map<String, String> attributes) {
        this.attributes = attributes;
      }

      @Override
      public void onChunk(int index, String tag, String text) {}

      @Override
      public void onClose(int index, String tag, String content, boolean complete) {
        tags.add(new ConfirmedTag(tag, attributes, content));
      }
    };
    TagParser parser = forSpec(spec, turnId, collector);
    parser.feed(buffer);
    parser.finish();
    return tags;
  }
}
