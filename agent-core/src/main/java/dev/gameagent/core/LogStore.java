package dev.gameagent.core;

import dev.gameagent.core.llm.LlmRequest;

/**
 * Where a session's record goes as it happens: every history entry, every exact LLM request, every
 * turn outcome. Called from engine threads; implementations should hand slow I/O to their own
 * thread. Never given an API key. The server's implementation writes JSON lines under {@code logs/}.
 */
public interface LogStore {

  /** A store that keeps nothing. */
  LogStore NONE = new LogStore() {};

  default void historyAppended(String sessionId, String agentId, HistoryEntry entry) {}

  default void llmRequest(String sessionId, String agentId, String turnId, LlmRequest request) {}

  /** A turn's terminal event ({@link TurnEvent.Finished} or {@link TurnEvent.Interrupted}). */
  default void turnEnded(String sessionId, TurnEvent terminal) {}

  /** The agent's history and cached spec were forgotten by {@code reset_agent}. */
  default void agentReset(String sessionId, String agentId) {}

  /** The session's connection closed; write the readable conversation log, flush. */
  default void sessionClosed(String sessionId) {}
}
