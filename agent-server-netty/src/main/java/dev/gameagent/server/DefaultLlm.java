package dev.gameagent.server;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.LlmConfig;
import java.util.Map;

/**
 * The LLM client the server creates from its environment when none is given (agent-llm's routing
 * client: a spec's {@code llm.provider} picks the adapter, else the default provider), and the
 * words the startup line uses for it. Without an API key, base URL or {@code LLM_PROVIDER} the
 * default is the offline model, so a bare {@code java -jar} serves out of the box.
 */
record DefaultLlm(LlmClient client, AutoCloseable closeable, String description) {

  /**
   * @throws IllegalArgumentException when a variable is malformed or names an unknown provider
   */
  static DefaultLlm create(Map<String, String> environment) {
    LlmConfig config = LlmConfig.fromEnvironment(environment);
    var client = LlmClients.create(config); // refuses a default provider that is not on the classpath
    String description = LlmClients.describe(config);
    if (LlmClients.isOffline(config)) {
      description += config.provider() == null
          ? " (no API key, base URL or LLM_PROVIDER set; canned in-character answers)"
          : " (LLM_PROVIDER=offline; canned in-character answers)";
    }
    return new DefaultLlm(client, client, description);
  }
}
