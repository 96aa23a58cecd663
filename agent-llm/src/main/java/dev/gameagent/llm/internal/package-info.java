/**
 * Implementation of the adapters: the OpenAI-compatible streaming client, the offline model, and
 * their shared call state machine. Not API: don't depend on anything here; it changes without
 * notice. The provider classes are public only so that {@link java.util.ServiceLoader} can create them.
 */
package dev.gameagent.llm.internal;
