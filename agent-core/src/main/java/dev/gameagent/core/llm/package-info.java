/**
 * The plug-in point between the turn engine and a language model: {@link dev.gameagent.core.llm.LlmClient}
 * streams an immutable {@link dev.gameagent.core.llm.LlmRequest} to a
 * {@link dev.gameagent.core.llm.LlmStreamHandler}. Adapters live in {@code agent-llm} or in user code.
 */
package dev.gameagent.core.llm;
