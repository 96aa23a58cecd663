/**
 * LLM adapters for Game Agent: {@link dev.gameagent.llm.LlmConfig} (settings, read from the
 * environment), {@link dev.gameagent.llm.LlmClients} (the routing client over every provider),
 * and the {@link dev.gameagent.llm.LlmProvider} SPI for custom adapters. Built-in providers:
 * {@code openai} (any OpenAI-compatible streaming endpoint, over OkHttp SSE) and {@code offline}
 * (a deterministic in-character model that needs no network). See {@code docs/llm.md}.
 */
package dev.gameagent.llm;
