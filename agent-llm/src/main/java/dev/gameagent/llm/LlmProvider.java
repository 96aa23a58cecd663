package dev.gameagent.llm;

import dev.gameagent.core.llm.LlmClient;

/**
 * A named factory of {@link LlmClient}s, found with {@link java.util.ServiceLoader}: the plug-in point
 * for a custom model adapter. Register an implementation in
 * {@code META-INF/services/dev.gameagent.llm.LlmProvider}; it needs a public no-argument
 * constructor. A spec selects it with {@code llm.provider}, a server with {@code LLM_PROVIDER}.
 *
 * <p>The built-in providers are {@code openai} (any OpenAI-compatible endpoint) and {@code offline}
 * (the deterministic default model). {@link LlmClients#create} calls {@link #create} at most once per
 * routing client, lazily, and closes the result on shutdown if it is {@link AutoCloseable}.
 *
 * <p>{@code docs/llm.md} ("Writing a custom adapter") states the rules a client must keep; the
 * abstract {@code dev.gameagent.llm.testing.LlmClientContract} in this module's test-jar checks them
 * against yours.
 */
public interface LlmProvider {

  /** The name a spec or {@code LLM_PROVIDER} uses, in lower case, e.g. {@code "openai"}. */
  String name();

  /**
   * Creates a thread-safe client for {@code config}.
   *
   * @throws IllegalArgumentException when the configuration cannot serve this provider
   */
  LlmClient create(LlmConfig config);
}
