package dev.gameagent.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One game's conversation with its agents: per agent, the cached spec, the history, the active
 * turn and a queued event. Made by {@link AgentEngine#openSession}.
 *
 * <p>Thread-safe: any method may be called from any thread; calls for one agent are applied in the
 * order they are made. Turn events go to the session's {@link TurnListener}, one agent's in the
 * order they happened (see {@link TurnListener}); different agents are independent and stream at
 * once. Methods never block on the LLM or the state provider: they take a short per-agent lock and
 * may call the listener on the calling thread (never with a lock held), so a listener may call back
 * into the session. Requests the session cannot honour throw {@link AgentRequestException} with the
 * protocol's error code and change nothing, but for {@code tool_loop_limit} (see
 * {@link #submitToolResults}).
 *
 * <p>History: an agent's history holds, in order, the interaction events (and those dropped or
 * replaced in the queue), notifications, confirmed turns and tool results. A turn's own output is
 * history only once the game confirms it ({@link #confirmTurn}, or implicitly by
 * {@link #submitToolResults}, which confirms the tags that were sent): the game, not the model,
 * knows what the player really saw. A confirmed result takes its turn's place, right after what
 * the turn's prompt saw, however late it arrives.
 *
 * <p>Lifecycle: {@link #detach()} when the game's connection drops (turns cancelled upstream and
 * silently, history kept, {@link LogStore#sessionClosed} called), {@link #attach} when it resumes,
 * {@link #shutdown()} when the server stops. A detached or shut-down session starts no turn:
 * interaction events are recorded as dropped.
 */
public final class GameSession {
  private static final Logger log = LoggerFactory.getLogger(GameSession.class);

  private final AgentEngine engine;
  private final String id;
  private final IdGenerator ids = new IdGenerator();
  private final ConcurrentMap<String, AgentState> agents = new ConcurrentHashMap<>();
  private final AtomicInteger activeTurns = new AtomicInteger();
  /** Serializes attach and detach. */
  private final Object attachLock = new Object();
  /** Null while detached. Replaced as a whole so queued work for an old connection is skipped. */
  private volatile Connection connection;
  private volatile boolean shutdown;

  GameSession(AgentEngine engine, String id, Connection connection) {
    this.engine = engine;
    this.id = id;
    this.connection = connection;
  }

  public String id() {
    return id;
  }

  /**
   * A fresh event id, unique in this session, for events that came without one. Never one the game
   * gave an event handed to this session before ({@code e-N} ids given by the game move the
   * counter past them).
   */
  public String newEventId() {
    return ids.nextEventId();
  }

  /**
   * Handles an interaction event under its {@link OnBusy} rule. When the agent is idle the event
   * starts a turn at once; when busy, {@code interrupt} ends the active turn (reason
   * {@code superseded}) and starts this one, {@code queue} promises this one a turn that starts
   * after the active turn's terminal event (a later queued event replaces it, and it is then recorded
   * as dropped), {@code drop} records it as dropped.
   *
   * @return the new turn's id (for a queued event, the id its turn will have), or null when the event
   *     was dropped
   */
  public String interact(String agentId, InteractionEvent event) {
    Objects.requireNonNull(event, "event == null");
    AgentState agent = agent(agentId);
    ids.advancePastEventId(event.eventId());
    return agent.interact(event);
  }

  /** Adds the event to each agent's history as context; starts and interrupts nothing. */
  public void notify(Collection<String> agentIds, InteractionEvent event) {
    Objects.requireNonNull(agentIds, "agentIds == null");
    Objects.requireNonNull(event, "event == null");
    ids.advancePastEventId(event.eventId());
    for (String agentId : agentIds) {
      agent(agentId).notify(event);
    }
  }

  /** Replaces the agent's cached spec (an unsolicited {@code agent_state_snapshot}). */
  public void updateSpec(String agentId, AgentSpec spec) {
    Objects.requireNonNull(spec, "spec == null");
    agent(agentId).updateSpec(spec);
  }

  /**
   * Records what the game performed for a turn, at the turn's place in history. A result for a
   * turn still streaming (or waiting for its state) ends it first (interrupted, reason
   * {@code cancelled}); a queued event then starts.
   *
   * @throws AgentRequestException {@code unknown_turn} or {@code duplicate_turn_result}
   */
  public void confirmTurn(String agentId, String turnId, List<ConfirmedTag> tags, boolean interrupted) {
    Objects.requireNonNull(tags, "tags == null");
    List<ConfirmedTag> copy = List.copyOf(tags);
    existingAgent(agentId, turnId).confirmTurn(turnId, copy, interrupted);
  }

  /**
   * As {@link #confirmTurn}, from the raw tagged text, parsed with the output tags of the spec the
   * turn was prompted with (else the cached spec, else the default tags). Tags the parser would
   * reject are left out.
   */
  public void confirmTurnText(String agentId, String turnId, String buffer, boolean interrupted) {
    Objects.requireNonNull(buffer, "buffer == null");
    AgentState agent = existingAgent(agentId, turnId);
    List<ConfirmedTag> tags = SpecTagParsers.confirmedTags(agent.specForTurn(turnId), turnId, buffer);
    agent.confirmTurn(turnId, tags, interrupted);
  }

  /**
   * Records a turn's tool results and starts a continuation turn ({@code cause: tool_results}, a
   * fresh state request carrying the original event id). The turn, if not yet confirmed, is
   * confirmed with the tags it sent. If the turn is still streaming it is ended first
   * (interrupted, reason {@code cancelled}). Results for a turn that a newer turn superseded, or sent
   * while the session is detached, are recorded and start nothing.
   *
   * @return the continuation turn's id, or null when the turn was superseded and nothing starts
   * @throws AgentRequestException {@code unknown_turn} or {@code duplicate_turn_result} (results for
   *     this turn were already submitted), and nothing is recorded; or {@code tool_loop_limit} (the
   *     turn already is the last continuation allowed in a row), thrown after the results were
   *     recorded as above (the tools did run) and no continuation started
   */
  public String submitToolResults(String agentId, String turnId, List<ToolResult> results) {
    Objects.requireNonNull(results, "results == null");
    List<ToolResult> copy = List.copyOf(results);
    return existingAgent(agentId, turnId).submitToolResults(turnId, copy);
  }

  /**
   * Ends the agent's active turn (or that turn, when {@code turnId} is non-null) with reason
   * {@code cancelled}, and clears a queued event (recorded as dropped). A {@code turnId} naming the
   * queued event's promised turn clears just that event.
   *
   * @return whether a turn was cancelled
   */
  public boolean cancelTurn(String agentId, String turnId) {
    AgentState agent = agents.get(Objects.requireNonNull(agentId, "agentId == null"));
    return agent != null && agent.cancelTurn(turnId);
  }

  /**
   * Cancels the agent's turn (reason {@code cancelled}) and forgets its history, turns and cached
   * spec; {@link LogStore#agentReset} records it. Results for turns before the reset are then
   * {@code unknown_turn}.
   */
  public void resetAgent(String agentId) {
    AgentState agent = agents.get(Objects.requireNonNull(agentId, "agentId == null"));
    if (agent != null) {
      agent.reset();
    }
  }

  /**
   * Seeds a fresh agent's history with entries restored from an earlier run of this session (for
   * example read back from the {@link LogStore}'s files after a server restart), so the agent's next
   * prompt contains them. The entries are appended as they are, in order, as confirmed history: they
   * are not given to the {@link LogStore} again (they are already logged), start nothing and reserve
   * no place for a result. Restored turns are not turns of this session: a result for a restored turn
   * id is {@code unknown_turn}. Turn and event ids of the form {@code t-N} and {@code e-N} found in
   * the entries advance this session's id counters past them, so new ids never repeat restored ones.
   *
   * <p>Call before the agent is used; thread-safe like every method here.
   *
   * @throws IllegalStateException when the agent already has a turn, a queued event or history
   */
  public void restoreHistory(String agentId, List<HistoryEntry> entries) {
    Objects.requireNonNull(entries, "entries == null");
    List<HistoryEntry> copy = List.copyOf(entries);
    for (HistoryEntry entry : copy) {
      if (entry instanceof HistoryEntry.Event e) {
        ids.advancePastEventId(e.event().eventId());
      } else if (entry instanceof HistoryEntry.Turn t) {
        ids.advancePastTurnId(t.turnId());
      } else if (entry instanceof HistoryEntry.ToolResults r) {
        ids.advancePastTurnId(r.turnId());
      }
    }
    agent(agentId).restoreHistory(copy);
  }

  /**
   * Marks ids of an earlier run of this session as used, so new ids never repeat them: ids of the
   * form {@code t-N} and {@code e-N} advance this session's turn and event counters past N; other
   * ids are ignored. For ids that left no entry to {@link #restoreHistory} (a turn whose result never
   * came), read back from the {@link LogStore}'s files: a late result for such a turn stays
   * {@code unknown_turn} instead of being taken for a new turn of the same id. Thread-safe.
   */
  public void reserveIds(Collection<String> usedIds) {
    for (String used : Objects.requireNonNull(usedIds, "usedIds == null")) {
      ids.advancePastTurnId(used);
      ids.advancePastEventId(used);
    }
  }

  /**
   * Replaces the state provider and listener, for a connection that resumes this session. Turns
   * still active for a previous connection are cancelled upstream without a further event (their
   * events belong to the connection that saw them start), as by {@link #detach()} but without
   * {@link LogStore#sessionClosed}.
   */
  public void attach(AgentStateProvider stateProvider, TurnListener listener) {
    Connection next = new Connection(stateProvider, listener);
    synchronized (attachLock) {
      if (connection != null) {
        cancelTurnsSilently();
      }
      connection = next;
    }
    log.info("session attached session={}", id);
  }

  /**
   * The connection dropped: cancels every turn upstream and drops queued events (recorded as
   * dropped), sending no further turn events; history is kept for a resume. Calls
   * {@link LogStore#sessionClosed} (once per attachment; a second detach does nothing). A listener
   * call already running on another thread may still complete after this returns.
   */
  public void detach() {
    detachIf(null);
  }

  /**
   * Detaches only if {@code listener} is the one attached now; for a server whose old connection
   * closes after a newer one resumed the session.
   *
   * @return whether the session was detached
   */
  public boolean detach(TurnListener listener) {
    return detachIf(Objects.requireNonNull(listener, "listener == null"));
  }

  private boolean detachIf(TurnListener expected) {
    synchronized (attachLock) {
      Connection current = connection;
      if (current == null || (expected != null && current.listener != expected)) {
        return false;
      }
      cancelTurnsSilently();
    }
    engine.logStore().sessionClosed(id);
    log.info("session detached session={}", id);
    return true;
  }

  /**
   * Ends every active turn with reason {@code shutdown} and drops queued events. The session starts
   * no turn afterwards: interaction events are recorded as dropped. Never blocks.
   *
   * @return completes once the listener has been given every event of the turns this ended, their
   *     terminal events included; it may be later than the return, when another thread (an LLM
   *     callback, say) is delivering an agent's events. A server closes the game's connection only
   *     then, or the terminal events would come after the close.
   */
  public CompletionStage<Void> shutdown() {
    shutdown = true;
    List<CompletableFuture<Void>> delivered = new ArrayList<>();
    for (AgentState agent : agents.values()) {
      delivered.add(agent.shutdownTurns());
    }
    log.info("session shut down session={}", id);
    return CompletableFuture.allOf(delivered.toArray(CompletableFuture[]::new));
  }

  /** Turns waiting for state or streaming in this session. */
  public int activeTurnCount() {
    return activeTurns.get();
  }

  /**
   * Whether the agent has a turn now, waiting for its state or streaming (a queued event only ever
   * waits behind such a turn); false for an unknown agent. While it has one, an interaction event
   * or tool results for the agent replace, queue behind, or record beside that turn and never add
   * a second one at once, so a server can count them out of a limit on concurrent turns.
   *
   * <p>A snapshot: the turn may end on another thread right after this returns. Cheap, never
   * blocks on the LLM or the state provider.
   */
  public boolean hasTurn(String agentId) {
    AgentState agent = agents.get(Objects.requireNonNull(agentId, "agentId == null"));
    return agent != null && agent.hasTurn();
  }

  /** A snapshot of the agent's history, oldest first; empty for an unknown agent. */
  public List<HistoryEntry> history(String agentId) {
    AgentState agent = agents.get(Objects.requireNonNull(agentId, "agentId == null"));
    return agent == null ? List.of() : agent.history();
  }

  // ---- For AgentState ----

  IdGenerator ids() {
    return ids;
  }

  /** The connection new turns use, or null when the session is detached or shut down. */
  Connection acceptingConnection() {
    return shutdown ? null : connection;
  }

  void turnBegan() {
    activeTurns.incrementAndGet();
    engine.turnBegan();
  }

  void turnEnded() {
    activeTurns.decrementAndGet();
    engine.turnEnded();
  }

  /** Calls the listener, unless {@code target} is no longer the attached connection; swallows its exceptions. */
  void deliver(Connection target, TurnEvent event) {
    if (target != connection) {
      return;
    }
    try {
      target.listener.onEvent(event);
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("turn listener failed session={} agent={} turn={} event={}",
          id, event.agentId(), event.turnId(), event.getClass().getSimpleName(), e);
    }
  }

  private void cancelTurnsSilently() {
    // Cleared first: an agent handled below refuses new turns from here on.
    connection = null;
    for (AgentState agent : agents.values()) {
      agent.detachTurns();
    }
  }

  private AgentState agent(String agentId) {
    Objects.requireNonNull(agentId, "agentId == null");
    if (agentId.isEmpty()) {
      throw new IllegalArgumentException("agentId is empty");
    }
    return agents.computeIfAbsent(agentId, a -> new AgentState(a, this, engine));
  }

  private AgentState existingAgent(String agentId, String turnId) {
    Objects.requireNonNull(agentId, "agentId == null");
    AgentState agent = agents.get(agentId);
    if (agent == null) {
      throw new AgentRequestException(ErrorCode.UNKNOWN_TURN, "agent " + agentId + " has no turn " + turnId);
    }
    return agent;
  }
}
