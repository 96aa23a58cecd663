package dev.gameagent.server;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmProvider;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The LLM client the server creates from its environment when none is given, and the words the
 * startup line uses for it. The provider is {@code LLM_PROVIDER} when set; else {@code openai} when
 * an API key or base URL is configured; else the offline default model, so a bare
 * {@code java -jar} serves out of the box.
 */
record DefaultLlm(LlmClient client, AutoCloseable closeable, String description) {
  static final String OFFLINE = "offline";
  static final String OPENAI = "openai";

  /**
   * @throws IllegalArgumentException when a variable is malformed or names an unknown provider
   */
  static DefaultLlm create(Map<String, String> environment) {
    LlmConfig config = LlmConfig.fromEnvironment(environment);
    String name = providerName(config);
    LlmProvider provider = find(name);
    LlmClient client = provider.create(config);
    AutoCloseable closeable = client instanceof AutoCloseable c ? c : null;
    String description = !name.equals(OFFLINE)
        ? name + " model " + (config.model() != null ? config.model() : config.defaultModel()) + " at "
            + config.effectiveBaseUrl()
        : config.provider() == null
            ? "offline default model (no API key, base URL or LLM_PROVIDER set; canned in-character answers)"
            : "offline default model (LLM_PROVIDER=offline; canned in-character answers)";
    return new DefaultLlm(client, closeable, description);
  }

  static String providerName(LlmConfig config) {
    if (config.provider() != null) {
      return config.provider().toLowerCase(Locale.ROOT);
    }
    return config.apiKey() != null || config.baseUrl() != null ? OPENAI : OFFLINE;
  }

  private static LlmProvider find(String name) {
    StringBuilder known = new StringBuilder();
    for (LlmProvider p : ServiceLoader.load(LlmProvider.class)) {
      if (p.name().equalsIgnoreCase(name)) {
        return p;
      }
      known.append(known.length() == 0 ? "" : ", ").append(p.name());
    }
    throw new IllegalArgumentException("LLM_PROVIDER names no registered provider: " + name + " (known: " + known + ")");
  }
}
