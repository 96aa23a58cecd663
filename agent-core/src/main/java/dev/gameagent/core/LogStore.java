package dev.gameagent.core;

import dev.gameagent.core.llm.LlmRequest;

/**
 * Where a session's record goes as it happens: every history entry, every exact LLM request, every
 * turn outcome. Never given an API key. The server's implementation writes JSON lines under
 * {@code logs/}.
 *
 * <p>Threading: called from engine threads (game callers, LLM callback threads, the timer), for one
 * agent in the order things happened, while the engine holds that agent's lock: implementations must
 * not block (hand slow I/O to their own thread) and must not call back into the session. A store
 * that blocks stalls every call for that agent (the game's, the model's callbacks, a newer event that
 * would interrupt its turn) and, when one of its timeouts is due, the engine's timer. Calls for
 * different agents may be concurrent. An exception thrown here is logged and swallowed.
 *
 * <p>Why under the lock: a {@link GameSession} call's records reach the store before the call
 * returns (the server answers a {@code ping} only after flushing its store, as proof that what the
 * game sent before is on disk) and a turn's {@link #turnEnded} before its terminal event. Calling
 * the store after the lock, in order, would need one caller to wait for another's record, stalling
 * the same calls; queuing the records behind the agent's events would let a call return before its
 * records are written.
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
