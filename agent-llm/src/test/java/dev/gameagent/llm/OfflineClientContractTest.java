package dev.gameagent.llm;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.llm.testing.LlmClientContract;

/**
 * The offline default model, as {@link LlmClients#create} serves it with no key, keeps the
 * {@link dev.gameagent.core.llm.LlmClient} contract; its failure is the routing client's answer to
 * an unknown provider.
 */
class OfflineClientContractTest extends LlmClientContract {

  @Override
  protected LlmClient createClient() {
    return LlmClients.create(LlmConfig.builder().offlineTokensPerSecond(0).build());
  }

  @Override
  protected LlmRequest failingRequest() {
    return answerRequest().newBuilder().option(LlmRequest.OPTION_PROVIDER, "no-such-provider").build();
  }
}
