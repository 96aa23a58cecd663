package dev.gameagent.server;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;

/** A model that never answers: for tests where no turn reaches the LLM. */
final class SilentLlm implements LlmClient {
  @Override
  public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
    return () -> {};
  }

  @Override
  public String name() {
    return "silent";
  }
}
