package dev.gameagent.examples.adapter;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmProvider;
import java.time.Duration;

/**
 * The {@code echo} provider: makes {@link EchoLlmClient}s. {@link java.util.ServiceLoader} finds it
 * through {@code META-INF/services/dev.gameagent.llm.LlmProvider}, which is why it is public with a
 * public no-argument constructor.
 *
 * <p>It paces its words like the offline model ({@code LLM_OFFLINE_TOKENS_PER_SECOND}, 0 for as fast
 * as possible), so a game sees the same streaming rhythm whichever of the two it runs on.
 */
public final class EchoLlmProvider implements LlmProvider {

  @Override
  public String name() {
    return EchoLlmClient.NAME;
  }

  @Override
  public LlmClient create(LlmConfig config) {
    return new EchoLlmClient(delayPerWord(config.offlineTokensPerSecond()));
  }

  static Duration delayPerWord(double wordsPerSecond) {
    return wordsPerSecond == 0 ? Duration.ZERO : Duration.ofNanos((long) (1_000_000_000L / wordsPerSecond));
  }
}
