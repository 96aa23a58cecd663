package dev.gameagent.examples.adapter;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.llm.testing.LlmClientContract;
import java.time.Duration;

/**
 * The echo adapter passes agent-llm's {@link LlmClientContract}, as every adapter should: this class
 * is all it takes to run the contract against your own {@link LlmClient}.
 */
class EchoLlmClientContractTest extends LlmClientContract {

  @Override
  protected LlmClient createClient() {
    return new EchoLlmClient(Duration.ofMillis(1));
  }

  /** A spec's {@code llm.model} the echo model does not serve: a {@code ModelNotFoundException}. */
  @Override
  protected LlmRequest failingRequest() {
    return answerRequest().newBuilder().model("gpt-4o").build();
  }
}
