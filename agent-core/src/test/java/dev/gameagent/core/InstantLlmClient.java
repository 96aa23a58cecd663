package dev.gameagent.core;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.Usage;

/** An {@link LlmClient} that answers synchronously inside {@code stream}, on the caller's thread. */
final class InstantLlmClient implements LlmClient {
  private final String answer;

  InstantLlmClient(String answer) {
    this.answer = answer;
  }

  @Override
  public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
    handler.onText(answer);
    handler.onComplete(new LlmCompletion("stop", new Usage(10, 5)));
    return () -> {};
  }
}
