package dev.gameagent.server;

import dev.gameagent.core.llm.LlmClient;
import java.util.Map;

/** The LLM client the server creates from its environment when none is given, and how to describe it. */
record DefaultLlm(LlmClient client, AutoCloseable closeable, String description) {

  static DefaultLlm create(Map<String, String> environment) {
    // Replaced by agent-llm's LlmClients once that module lands.
    throw new IllegalStateException("no LLM client: agent-llm is not wired yet");
  }
}
