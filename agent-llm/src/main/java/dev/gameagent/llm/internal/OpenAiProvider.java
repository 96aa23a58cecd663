package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmProvider;

/**
 * The {@code openai} provider: any OpenAI-compatible chat completions endpoint (OpenAI, OpenRouter,
 * Ollama, vLLM, llama.cpp, LM Studio, Anthropic's compatibility endpoint, ...). Its clients are
 * {@link AutoCloseable}.
 */
public final class OpenAiProvider implements LlmProvider {
  public static final String NAME = "openai";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LlmClient create(LlmConfig config) {
    return new OpenAiClient(config);
  }
}
