package dev.gameagent.core;

import java.util.Map;

/**
 * The spec's {@code llm} block. Immutable. Every field is optional (null); {@code extra} keeps the
 * block's other fields in order, deeply copied.
 *
 * @param provider the adapter that should serve the turn, e.g. {@code openai}
 * @param temperature in [0, 2]
 * @param maxTokens the completion token limit, positive
 */
public record LlmSettings(String provider, String model, Double temperature, Integer maxTokens, Map<String, Object> extra) {
  public static final LlmSettings NONE = new LlmSettings(null, null, null, null, Map.of());

  public LlmSettings {
    if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("temperature must be a number in [0, 2]: " + temperature);
    }
    if (maxTokens != null && maxTokens <= 0) {
      throw new IllegalArgumentException("max_tokens must be a positive integer: " + maxTokens);
    }
    extra = extra == null ? Map.of() : JsonTree.copyMap(extra, "llm extra");
  }
}
