package dev.gameagent.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spec's {@code llm} block. Every field is optional (null); {@code extra} keeps the block's
 * other fields in order.
 */
public record LlmSettings(String provider, String model, Double temperature, Integer maxTokens, Map<String, Object> extra) {
  public static final LlmSettings NONE = new LlmSettings(null, null, null, null, Map.of());

  public LlmSettings {
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }
}
