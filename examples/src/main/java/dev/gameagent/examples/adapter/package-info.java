/**
 * Example 3, a team's own LLM adapter: {@link dev.gameagent.examples.adapter.EchoLlmClient}
 * implements core's {@link dev.gameagent.core.llm.LlmClient}, and
 * {@link dev.gameagent.examples.adapter.EchoLlmProvider} registers it with agent-llm's
 * {@link dev.gameagent.llm.LlmProvider} SPI under the name {@code echo}, so {@code LLM_PROVIDER=echo}
 * or a spec's {@code "llm": {"provider": "echo"}} selects it. Copy these two classes and the
 * {@code META-INF/services} file, then replace the echo with calls to your model.
 */
package dev.gameagent.examples.adapter;
