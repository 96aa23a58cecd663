package dev.gameagent.core;

import java.util.Collection;
import java.util.List;

/**
 * STUB (issue 5): one game's conversation with its agents. Public API is fixed; the implementation
 * is being written.
 *
 * <p>Thread-safe: any method may be called from any thread; calls for one agent are applied in the
 * order they are made. Turn events go to the session's {@link TurnListener}. Methods never block on
 * the LLM or the state provider. Requests the session cannot honour throw
 * {@link AgentRequestException} with the protocol's error code and change nothing.
 */
public final class GameSession {

  private GameSession() {}

  public String id() {
    throw new UnsupportedOperationException();
  }

  /** A fresh event id, unique in this session, for events that came without one. */
  public String newEventId() {
    throw new UnsupportedOperationException();
  }

  /**
   * Handles an interaction event under its {@link OnBusy} rule.
   *
   * @return the new turn's id, or null when the event was dropped
   */
  public String interact(String agentId, InteractionEvent event) {
    throw new UnsupportedOperationException();
  }

  /** Adds the event to each agent's history as context; starts and interrupts nothing. */
  public void notify(Collection<String> agentIds, InteractionEvent event) {
    throw new UnsupportedOperationException();
  }

  /** Replaces the agent's cached spec (an unsolicited {@code agent_state_snapshot}). */
  public void updateSpec(String agentId, AgentSpec spec) {
    throw new UnsupportedOperationException();
  }

  /**
   * Records what the game performed for a turn, at the turn's place in history. A result for a
   * turn still streaming ends it first (interrupted, reason {@code cancelled}).
   *
   * @throws AgentRequestException {@code unknown_turn} or {@code duplicate_turn_result}
   */
  public void confirmTurn(String agentId, String turnId, List<ConfirmedTag> tags, boolean interrupted) {
    throw new UnsupportedOperationException();
  }

  /** As {@link #confirmTurn}, from the raw tagged text, parsed with the agent's output tags. */
  public void confirmTurnText(String agentId, String turnId, String buffer, boolean interrupted) {
    throw new UnsupportedOperationException();
  }

  /**
   * Records a turn's tool results and starts a continuation turn.
   *
   * @return the continuation turn's id, or null when the turn was superseded and nothing starts
   * @throws AgentRequestException {@code unknown_turn} or {@code tool_loop_limit}
   */
  public String submitToolResults(String agentId, String turnId, List<ToolResult> results) {
    throw new UnsupportedOperationException();
  }

  /**
   * Ends the agent's active turn (or that turn, when {@code turnId} is non-null) with reason
   * {@code cancelled}, and clears a queued event.
   *
   * @return whether a turn was cancelled
   */
  public boolean cancelTurn(String agentId, String turnId) {
    throw new UnsupportedOperationException();
  }

  /** Cancels the agent's turn and forgets its history and cached spec. */
  public void resetAgent(String agentId) {
    throw new UnsupportedOperationException();
  }

  /** Replaces the state provider and listener, for a connection that resumes this session. */
  public void attach(AgentStateProvider stateProvider, TurnListener listener) {
    throw new UnsupportedOperationException();
  }

  /**
   * The connection dropped: cancels every turn upstream and drops queued events, sending no
   * further turn events; history is kept for a resume.
   */
  public void detach() {
    throw new UnsupportedOperationException();
  }

  /** Ends every active turn with reason {@code shutdown}. */
  public void shutdown() {
    throw new UnsupportedOperationException();
  }

  /** Turns waiting for state or streaming in this session. */
  public int activeTurnCount() {
    throw new UnsupportedOperationException();
  }

  /** A snapshot of the agent's history, oldest first; empty for an unknown agent. */
  public List<HistoryEntry> history(String agentId) {
    throw new UnsupportedOperationException();
  }
}
