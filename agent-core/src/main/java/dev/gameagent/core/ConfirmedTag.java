package dev.gameagent.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A tag the game reports it performed, from {@code agent_turn_result}. */
public record ConfirmedTag(String tag, Map<String, String> attributes, String content) {
  public ConfirmedTag {
    Objects.requireNonNull(tag, "tag == null");
    attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    content = content == null ? "" : content;
  }
}
