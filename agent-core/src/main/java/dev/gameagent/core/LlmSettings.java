package dev.gameagent.core;

import dev.gameagent.core.llm.LlmRequest;
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
    // The request's own checks, in one place, so building a turn's request from these never throws.
    LlmRequest.builder().temperature(temperature).maxTokens(maxTokens);
    extra = extra == null ? Map.of() : JsonTree.copyMap(extra, "llm extra");
  }
}
