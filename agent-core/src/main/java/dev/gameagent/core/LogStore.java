package dev.gameagent.core;

import dev.gameagent.core.llm.LlmRequest;

/**
 * Where a session's record goes as it happens: every history entry, every exact LLM request, every
 * turn outcome. Never given an API key. The server's implementation writes JSON lines under
 * {@code logs/}.
 *
 * <p>Threading: called from engine threads (game callers, LLM callback threads, the timer), for one
 * agent in the order things happened, while the engine holds that agent's lock: implementations must
 * not block (hand slow I/O to their own thread) and must not call back into the session. Calls for
 * different agents may be concurrent. An exception thrown here is logged and swallowed.
 *
 * <p>Order of a turn's record: the interaction event ({@link #historyAppended}), the request
 * ({@link #llmRequest}) when the prompt is built, the terminal event ({@link #turnEnded}); the
 * confirmed result ({@link #historyAppended} of a {@link HistoryEntry.Turn}) whenever the game sends
 * it. A turn cancelled by {@link GameSession#detach()} is recorded with an unreported
 * {@link TurnEvent.Interrupted}, reason {@code cancelled}.
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

  /**
   * The session's connection closed; write the readable conversation log, flush. Called by
   * {@link GameSession#detach()} once per attachment, after its turns were cancelled; a server must
   * not call it again itself.
   */
  default void sessionClosed(String sessionId) {}
}
