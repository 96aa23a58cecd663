package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmProvider;

/**
 * The {@code offline} provider: a deterministic in-character model that needs no network, the
 * default when no API key, base URL or provider is configured. Its clients are {@link AutoCloseable}.
 */
public final class OfflineProvider implements LlmProvider {
  public static final String NAME = "offline";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LlmClient create(LlmConfig config) {
    return new OfflineClient(config);
  }
}
