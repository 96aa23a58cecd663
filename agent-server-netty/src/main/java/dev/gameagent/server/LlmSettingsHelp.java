package dev.gameagent.server;

/** The LLM part of {@code --help}: the variables agent-llm reads. */
final class LlmSettingsHelp {
  static final String TEXT = """
        LLM_PROVIDER, LLM_BASE_URL, LLM_MODEL, LLM_API_KEY, OPENAI_API_KEY and the other variables
        agent-llm documents; with none of them set, the server runs on the offline default model.
      """;

  private LlmSettingsHelp() {}
}
