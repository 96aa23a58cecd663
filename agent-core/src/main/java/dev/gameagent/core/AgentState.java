package dev.gameagent.core;

import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.TurnEvent.InterruptReason;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent of a session: its cached spec, history, turns, active turn and queued event, and the
 * turn state machine that drives them.
 *
 * <p>Threading: every field is guarded by {@link #lock}. Work that leaves the engine (listener
 * calls, state requests, starting and cancelling LLM calls) is never done under the lock: it is put
 * in {@link #outbox} under the lock, in the order the state changed, and run afterwards by
 * {@link #drain()}, which lets one thread at a time run the agent's actions in order. So the
 * listener sees one agent's events in exactly the order the state machine produced them, each call
 * happening-before the next, and no lock is held while game or LLM code runs. A callback for a turn
 * checks, under the lock, that its turn has not ended, so nothing is reported after a terminal
 * event. The only calls made under the lock are the tag parser, the prompt builder with its
 * {@link TokenCounter} (the prompt must see the history its result's reserved place follows), the
 * {@link LogStore} (documented as non-blocking; its javadoc says why under the lock) and the
 * scheduler. Whatever code the engine does not
 * own throws, an {@link Error} or a checked exception included, ends at most the turn at hand (see
 * {@link UserCodeFailures}).
 */
final class AgentState {
  private static final Logger log = LoggerFactory.getLogger(GameSession.class);

  private static final String TOOL_CALL = "tool_call";
  private static final String TOOL_CALLS = "tool_calls";
  private static final TurnEvent.TurnError ENGINE_CLOSED =
      new TurnEvent.TurnError(ErrorCode.INTERNAL, "the engine is closed", null);

  final String agentId;
  private final GameSession session;
  private final AgentEngine engine;
  private final Object lock = new Object();

  // Everything below is guarded by lock.
  private final History history;
  /** Turn records by id, oldest first; bounded like the history. */
  private final Map<String, Turn> turns;
  private final ArrayDeque<Runnable> outbox = new ArrayDeque<>();
  private boolean draining;
  private AgentSpec cachedSpec;
  /** The turn waiting for state or streaming; at most one per agent. */
  private Turn active;
  /** The turn that began most recently; older turns are superseded. */
  private Turn latest;
  private QueuedEvent queued;
  private long resetEpoch;

  /** An interaction event waiting under {@code on_busy: queue}, with the turn id it was promised. */
  private record QueuedEvent(String turnId, InteractionEvent event) {}

  AgentState(String agentId, GameSession session, AgentEngine engine) {
    this.agentId = agentId;
    this.session = session;
    this.engine = engine;
    int max = engine.maxHistoryEntries();
    this.history = new History(max);
    this.turns = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Turn> eldest) {
        // The eldest is never the active turn: a newer one is being added.
        return size() > max;
      }
    };
  }

  // ---- Requests from the game ----

  String interact(InteractionEvent event) {
    String turnId;
    synchronized (lock) {
      turnId = interactLocked(event);
    }
    drain();
    return turnId;
  }

  private String interactLocked(InteractionEvent event) {
    Connection connection = session.acceptingConnection();
    if (connection == null) {
      log.debug("event dropped, session not accepting turns session={} agent={} event={}",
          session.id(), agentId, event.eventId());
      appendEvent(event, Disposition.DROPPED);
      return null;
    }
    if (active == null) {
      return beginInteraction(session.ids().nextTurnId(), event, connection).id;
    }
    switch (event.onBusy()) {
      case DROP:
        log.debug("event dropped, agent busy session={} agent={} event={} active={}",
            session.id(), agentId, event.eventId(), active.id);
        appendEvent(event, Disposition.DROPPED);
        return null;
      case QUEUE:
        dropQueued();
        queued = new QueuedEvent(session.ids().nextTurnId(), event);
        log.debug("event queued session={} agent={} event={} turn={} behind={}",
            session.id(), agentId, event.eventId(), queued.turnId, active.id);
        return queued.turnId;
      case INTERRUPT:
      default:
        interrupt(active, InterruptReason.SUPERSEDED, event.eventId(), false);
        dropQueued();
        return beginInteraction(session.ids().nextTurnId(), event, connection).id;
    }
  }

  void notify(InteractionEvent event) {
    synchronized (lock) {
      appendEvent(event, Disposition.NOTIFICATION);
    }
  }

  void updateSpec(AgentSpec spec) {
    synchronized (lock) {
      cachedSpec = spec;
    }
  }

  /** The spec to parse a turn's buffer with: the one its prompt used, else the cached one, else null. */
  AgentSpec specForTurn(String turnId) {
    synchronized (lock) {
      Turn turn = turns.get(turnId);
      return turn != null && turn.spec != null ? turn.spec : cachedSpec;
    }
  }

  void confirmTurn(String turnId, List<ConfirmedTag> tags, boolean interrupted) {
    synchronized (lock) {
      Turn turn = knownTurn(turnId);
      if (turn.confirmed) {
        throw new AgentRequestException(ErrorCode.DUPLICATE_TURN_RESULT,
            "turn " + turnId + " of agent " + agentId + " already has a result");
      }
      if (turn == active) {
        interrupt(turn, InterruptReason.CANCELLED, null, false);
      }
      confirm(turn, tags, interrupted);
      startQueuedIfIdle();
    }
    drain();
  }

  String submitToolResults(String turnId, List<ToolResult> results) {
    String continuationId = null;
    AgentRequestException loopLimit = null;
    synchronized (lock) {
      Turn turn = knownTurn(turnId);
      if (turn.toolResultsSubmitted) {
        throw new AgentRequestException(ErrorCode.DUPLICATE_TURN_RESULT,
            "turn " + turnId + " of agent " + agentId + " already has tool results");
      }
      Connection connection = session.acceptingConnection();
      boolean superseded = turn != latest;
      boolean continues = !superseded && connection != null;
      if (continues && turn.depth >= engine.maxToolContinuations()) {
        // The game did run the tools: their results are history even though no continuation starts.
        continues = false;
        loopLimit = new AgentRequestException(ErrorCode.TOOL_LOOP_LIMIT, "turn " + turnId + " of agent " + agentId
            + " ends " + engine.maxToolContinuations() + " continuation turns in a row; its results are recorded"
            + " but no more turns start");
      }
      if (turn == active) {
        // The game answered before the stream ended; the continuation replaces the rest of it.
        interrupt(turn, InterruptReason.CANCELLED, null, false);
      }
      turn.toolResultsSubmitted = true;
      if (!turn.confirmed) {
        confirm(turn, turn.sentTags, false);
      }
      HistoryEntry.ToolResults entry = new HistoryEntry.ToolResults(turnId, results);
      appendHistory(entry);
      if (continues) {
        // The results are what the continuation answers: last in its prompt, whatever comes meanwhile.
        Turn continuation = new Turn(session.ids().nextTurnId(), turn.eventId, TurnEvent.Cause.TOOL_RESULTS,
            entry, turn.depth + 1, connection, resetEpoch, System.nanoTime());
        begin(continuation);
        continuationId = continuation.id;
      } else {
        log.debug("tool results recorded, no continuation session={} agent={} turn={} superseded={} loop_limit={}",
            session.id(), agentId, turnId, superseded, loopLimit != null);
        startQueuedIfIdle();
      }
    }
    drain();
    if (loopLimit != null) {
      throw loopLimit;
    }
    return continuationId;
  }

  boolean cancelTurn(String turnId) {
    boolean cancelled;
    synchronized (lock) {
      if (turnId != null && queued != null && queued.turnId.equals(turnId)) {
        dropQueued();
        cancelled = true;
      } else if (active != null && (turnId == null || turnId.equals(active.id))) {
        interrupt(active, InterruptReason.CANCELLED, null, false);
        dropQueued();
        cancelled = true;
      } else {
        cancelled = false;
      }
    }
    drain();
    return cancelled;
  }

  void reset() {
    synchronized (lock) {
      if (active != null) {
        interrupt(active, InterruptReason.CANCELLED, null, false);
      }
      dropQueued();
      history.clear();
      turns.clear();
      latest = null;
      cachedSpec = null;
      resetEpoch++;
      engine.logStore().agentReset(session.id(), agentId);
      log.info("agent reset session={} agent={}", session.id(), agentId);
    }
    drain();
  }

  /** Ends the active turn without reporting it (the connection is gone) and drops a queued event. */
  void detachTurns() {
    synchronized (lock) {
      if (active != null) {
        Turn turn = active;
        end(turn, new TurnEvent.Interrupted(agentId, turn.id, InterruptReason.CANCELLED, null), true, false, false);
      }
      dropQueued();
    }
    drain();
  }

  /**
   * Ends the active turn (reason {@code shutdown}) and drops a queued event. The returned future
   * completes once every event queued for the listener so far, the terminal event included, was
   * delivered: another thread may be running the outbox when this returns.
   */
  CompletableFuture<Void> shutdownTurns() {
    CompletableFuture<Void> delivered = new CompletableFuture<>();
    synchronized (lock) {
      if (active != null) {
        interrupt(active, InterruptReason.SHUTDOWN, null, false);
      }
      dropQueued();
      enqueue(() -> delivered.complete(null));
    }
    drain();
    return delivered;
  }

  /** Appends restored, already logged entries; see {@link GameSession#restoreHistory}. */
  void restoreHistory(List<HistoryEntry> entries) {
    synchronized (lock) {
      if (!turns.isEmpty() || active != null || queued != null || !history.entries().isEmpty()) {
        throw new IllegalStateException("agent " + agentId + " of session " + session.id()
            + " already has turns or history; restore only into a fresh agent");
      }
      for (HistoryEntry entry : entries) {
        history.append(entry);
      }
    }
  }

  boolean hasTurn() {
    synchronized (lock) {
      return active != null;
    }
  }

  List<HistoryEntry> history() {
    synchronized (lock) {
      return history.entries();
    }
  }

  // ---- The turn state machine (all with the lock held) ----

  private Turn knownTurn(String turnId) {
    Turn turn = turnId == null ? null : turns.get(turnId);
    if (turn == null) {
      throw new AgentRequestException(ErrorCode.UNKNOWN_TURN,
          "agent " + agentId + " has no turn " + turnId);
    }
    return turn;
  }

  private Turn beginInteraction(String turnId, InteractionEvent event, Connection connection) {
    HistoryEntry.Event entry = new HistoryEntry.Event(event, Disposition.INTERACTION);
    appendHistory(entry);
    Turn turn = new Turn(turnId, event.eventId(), TurnEvent.Cause.INTERACTION_EVENT, entry, 0,
        connection, resetEpoch, System.nanoTime());
    begin(turn);
    return turn;
  }

  /** Makes {@code turn} the active turn and asks the game for the agent's state. */
  private void begin(Turn turn) {
    turns.put(turn.id, turn);
    active = turn;
    latest = turn;
    session.turnBegan();
    StateRequest request = new StateRequest(session.id(), agentId, session.ids().nextRequestId(), turn.eventId, turn.id);
    log.debug("turn accepted session={} agent={} turn={} event={} cause={} request={}",
        session.id(), agentId, turn.id, turn.eventId, turn.cause.wireName(), request.requestId());
    enqueue(() -> requestState(turn, request));
  }

  /**
   * Starts the state timer, counted from the turn's acceptance. Only once the request is out and
   * unanswered: a provider that answers at once costs no timer.
   */
  private void scheduleStateTimeout(Turn turn) {
    long left = engine.stateTimeoutNanos() - (System.nanoTime() - turn.acceptedNanos);
    try {
      turn.stateTimeout = engine.scheduler().schedule(
          () -> engine.continueAfterState(() -> onStateTimeout(turn)), Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      finish(turn, "error", null, ENGINE_CLOSED, false);
    }
  }

  private void startQueuedIfIdle() {
    if (active != null || queued == null) {
      return;
    }
    QueuedEvent next = queued;
    queued = null;
    Connection connection = session.acceptingConnection();
    if (connection == null) {
      appendEvent(next.event, Disposition.DROPPED);
    } else {
      beginInteraction(next.turnId, next.event, connection);
    }
  }

  /**
   * Builds the prompt, then (outside the lock) asks the client for the model name, reports
   * {@code Started} and starts the LLM call; a closed engine starts none.
   */
  private void startStreaming(Turn turn, AgentSpec spec) {
    if (engine.closed()) {
      finish(turn, "error", null, ENGINE_CLOSED, false);
      return;
    }
    TurnRelay relay = new TurnRelay(this, turn);
    Prompt prompt;
    try {
      prompt = engine.promptBuilder().build(spec, history.promptView(turn.activeEntry), turn.activeEntry);
      turn.parser = SpecTagParsers.forSpec(spec, turn.id, relay);
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("prompt failed session={} agent={} turn={}", session.id(), agentId, turn.id, e);
      finish(turn, "error", null, new TurnEvent.TurnError(ErrorCode.INTERNAL, "could not build the prompt", null), false);
      return;
    }
    LlmRequest request = prompt.request();
    turn.spec = spec;
    turn.phase = Turn.Phase.STREAMING;
    turn.slot = history.reserve();
    turn.lastLlmCallbackNanos = System.nanoTime();
    engine.streamIdleWatch().watch(this, turn);
    engine.logStore().llmRequest(session.id(), agentId, turn.id, request);
    Connection connection = turn.connection;
    long stateMs = millisSince(turn, turn.stateNanos);
    // The model name is the client's code: asked outside the lock, just before Started is reported.
    enqueue(() -> {
      String model = engine.modelFor(request);
      log.debug("turn started session={} agent={} turn={} model={} messages={} state_ms={}",
          session.id(), agentId, turn.id, model, request.messages().size(), stateMs);
      session.deliver(connection, new TurnEvent.Started(agentId, turn.id, turn.eventId, turn.cause, model, prompt.stats()));
    });
    enqueue(() -> startLlmCall(turn, request, relay));
  }

  private void interrupt(Turn turn, InterruptReason reason, String byEventId, boolean startQueued) {
    end(turn, new TurnEvent.Interrupted(agentId, turn.id, reason, byEventId), true, true, startQueued);
  }

  private void finish(Turn turn, String finishReason, Usage usage, TurnEvent.TurnError error, boolean cancelUpstream) {
    long now = System.nanoTime();
    TurnEvent.Timing timing = new TurnEvent.Timing(
        millisSince(turn, turn.stateNanos), millisSince(turn, turn.firstTokenNanos), millisSince(turn, now));
    List<TagRejection> rejected = turn.parser == null ? List.of() : turn.parser.rejections();
    end(turn, new TurnEvent.Finished(agentId, turn.id, finishReason, usage, timing, rejected, error),
        cancelUpstream, true, true);
  }

  /**
   * Ends {@code turn}: from here on every callback for it is ignored. Reports {@code terminal} when
   * {@code report} (not after a detach), cancels the upstream call when asked, and starts the
   * queued event when asked.
   */
  private void end(Turn turn, TurnEvent terminal, boolean cancelUpstream, boolean report, boolean startQueued) {
    if (turn.phase == Turn.Phase.AWAITING_STATE) {
      leaveAwaitingState(turn);
    }
    if (turn.phase == Turn.Phase.STREAMING) {
      engine.streamIdleWatch().unwatch(turn);
    }
    turn.phase = Turn.Phase.ENDED;
    turn.parser = null;
    LlmCall call = turn.call;
    turn.call = null;
    if (cancelUpstream && call != null) {
      enqueue(() -> cancelQuietly(call));
    }
    if (active == turn) {
      active = null;
    }
    session.turnEnded();
    // Under the lock, before the terminal event is queued: see LogStore on why.
    engine.logStore().turnEnded(session.id(), terminal);
    if (report) {
      deliver(turn, terminal);
    }
    // The record stays for the turn's result; what belongs to the stream and connection may go.
    turn.connection = null;
    turn.openContent.setLength(0);
    turn.openContent.trimToSize();
    if (log.isDebugEnabled()) {
      log.debug("turn ended session={} agent={} turn={} outcome={} reported={} state_ms={} first_token_ms={} total_ms={}",
          session.id(), agentId, turn.id, outcome(terminal), report, millisSince(turn, turn.stateNanos),
          millisSince(turn, turn.firstTokenNanos), millisSince(turn, System.nanoTime()));
    }
    if (startQueued) {
      startQueuedIfIdle();
    }
  }

  private void confirm(Turn turn, List<ConfirmedTag> tags, boolean interrupted) {
    HistoryEntry.Turn entry = new HistoryEntry.Turn(turn.id, tags, interrupted);
    history.fill(turn.slot, entry);
    turn.slot = null;
    turn.confirmed = true;
    engine.logStore().historyAppended(session.id(), agentId, entry);
  }

  private void dropQueued() {
    if (queued != null) {
      log.debug("queued event dropped session={} agent={} event={} turn={}",
          session.id(), agentId, queued.event.eventId(), queued.turnId);
      appendEvent(queued.event, Disposition.DROPPED);
      queued = null;
    }
  }

  private void appendEvent(InteractionEvent event, Disposition disposition) {
    appendHistory(new HistoryEntry.Event(event, disposition));
  }

  private void appendHistory(HistoryEntry entry) {
    history.append(entry);
    engine.logStore().historyAppended(session.id(), agentId, entry);
  }

  // ---- State replies and timeouts ----

  /** An outbox action: sends the state request, unless the turn already ended. */
  private void requestState(Turn turn, StateRequest request) {
    AgentStateProvider provider;
    synchronized (lock) {
      if (turn.phase != Turn.Phase.AWAITING_STATE) {
        return;
      }
      provider = turn.connection.stateProvider;
    }
    CompletionStage<AgentSpec> stage;
    try {
      stage = Objects.requireNonNull(provider.requestState(request), "requestState returned null");
      // The game's own stage implementation: its whenComplete is user code too.
      stage.whenComplete((spec, failure) -> engine.continueAfterState(() -> onState(turn, spec, failure)));
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      onState(turn, null, e);
      return;
    }
    boolean wanted;
    synchronized (lock) {
      wanted = turn.phase == Turn.Phase.AWAITING_STATE;
      if (wanted) {
        turn.pendingState = stage;
        scheduleStateTimeout(turn);
      }
    }
    if (!wanted) {
      // Tells a provider that tracks pending requests that this one is no longer wanted.
      cancelStage(stage);
    }
  }

  private void onState(Turn turn, AgentSpec spec, Throwable failure) {
    synchronized (lock) {
      if (spec != null && spec.equals(cachedSpec)) {
        // The game sends the spec before every turn, mostly unchanged: turns share one instance.
        spec = cachedSpec;
      }
      if (failure == null && spec != null && turn.resetEpoch == resetEpoch) {
        cachedSpec = spec;
      }
      if (turn.phase != Turn.Phase.AWAITING_STATE) {
        return;
      }
      leaveAwaitingState(turn);
      if (failure == null && spec != null) {
        startStreaming(turn, spec);
      } else {
        logStateFailure(turn, failure);
        if (cachedSpec != null) {
          log.info("state request failed, using cached spec session={} agent={} turn={}", session.id(), agentId, turn.id);
          startStreaming(turn, cachedSpec);
        } else {
          finish(turn, "error", null, stateFailure(failure), false);
        }
      }
    }
    drain();
  }

  private void onStateTimeout(Turn turn) {
    synchronized (lock) {
      if (turn.phase != Turn.Phase.AWAITING_STATE) {
        return;
      }
      leaveAwaitingState(turn);
      if (cachedSpec != null) {
        log.info("state timeout, using cached spec session={} agent={} turn={}", session.id(), agentId, turn.id);
        startStreaming(turn, cachedSpec);
      } else {
        log.info("state timeout, no cached spec session={} agent={} turn={}", session.id(), agentId, turn.id);
        finish(turn, "error", null, new TurnEvent.TurnError(ErrorCode.STATE_TIMEOUT,
            "no agent_state_snapshot within " + engine.stateTimeout().toMillis() + " ms and no cached spec", null), false);
      }
    }
    drain();
  }

  /** The state wait is over (answer, timeout or end): stops the timer, releases the pending request. */
  private void leaveAwaitingState(Turn turn) {
    if (turn.stateTimeout != null) {
      turn.stateTimeout.cancel(false);
      turn.stateTimeout = null;
    }
    CompletionStage<AgentSpec> pending = turn.pendingState;
    turn.pendingState = null;
    if (pending != null) {
      enqueue(() -> cancelStage(pending));
    }
    if (turn.stateNanos < 0) {
      turn.stateNanos = System.nanoTime();
    }
  }

  /**
   * A state request that failed in the game's code is logged with its cause: the turn's error only
   * says that it failed, so the stack trace reaches the developer's log, never the client.
   */
  private void logStateFailure(Turn turn, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause == null) {
      log.warn("state provider completed with no spec session={} agent={} turn={}", session.id(), agentId, turn.id);
    } else if (!(cause instanceof AgentRequestException)) {
      log.warn("state request failed session={} agent={} turn={}", session.id(), agentId, turn.id, cause);
    }
  }

  /** What a state stage failed with: the cause of the {@link CompletionException} that wraps it, if any. */
  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private static TurnEvent.TurnError stateFailure(Throwable failure) {
    if (unwrap(failure) instanceof AgentRequestException e) {
      return new TurnEvent.TurnError(e.code(), e.getMessage(), null);
    }
    return new TurnEvent.TurnError(ErrorCode.INTERNAL, "the game's state request failed and no spec is cached", null);
  }

  /** Cancels a provider's stage if it can be: a minimal stage or another implementation may refuse. */
  private void cancelStage(CompletionStage<?> stage) {
    if (stage instanceof CompletableFuture<?> future) {
      try {
        future.cancel(false);
      } catch (Throwable e) {
        UserCodeFailures.rethrowIfFatal(e);
        log.debug("state stage not cancellable session={} agent={} stage={}", session.id(), agentId, stage.getClass().getName());
      }
    }
  }

  // ---- The LLM stream ----

  /** An outbox action: starts the LLM call, unless the turn already ended; cancels it if it ended meanwhile. */
  private void startLlmCall(Turn turn, LlmRequest request, TurnRelay relay) {
    synchronized (lock) {
      if (turn.phase != Turn.Phase.STREAMING) {
        return;
      }
    }
    LlmCall call;
    try {
      call = Objects.requireNonNull(engine.llmClient().stream(request, relay), "LlmClient.stream returned null");
    } catch (LlmException e) {
      onLlmError(turn, e);
      return;
    } catch (Throwable e) {
      onInternalError(turn, "LlmClient.stream", e);
      return;
    }
    boolean ended;
    synchronized (lock) {
      ended = turn.phase == Turn.Phase.ENDED;
      if (!ended) {
        turn.call = call;
      }
    }
    if (ended) {
      cancelQuietly(call);
    }
  }

  void onLlmText(Turn turn, String delta) {
    synchronized (lock) {
      if (turn.phase != Turn.Phase.STREAMING) {
        return;
      }
      turn.lastLlmCallbackNanos = System.nanoTime();
      if (turn.firstTokenNanos < 0) {
        turn.firstTokenNanos = turn.lastLlmCallbackNanos;
      }
      try {
        turn.parser.feed(delta);
      } catch (RuntimeException e) {
        log.error("tag parser failed session={} agent={} turn={}", session.id(), agentId, turn.id, e);
        failInternally(turn);
      }
    }
    drain();
  }

  /** A reasoning delta: nothing to report, but the client is not silent. */
  void onLlmReasoning(Turn turn) {
    synchronized (lock) {
      if (turn.phase == Turn.Phase.STREAMING) {
        turn.lastLlmCallbackNanos = System.nanoTime();
      }
    }
  }

  void onLlmComplete(Turn turn, LlmCompletion completion) {
    synchronized (lock) {
      // A turn the flush ended (a tool call stop, a parser failure) has its events queued: drained below.
      if (turn.phase == Turn.Phase.STREAMING && flushParser(turn)) {
        finish(turn, finishReason(turn, completion.finishReason()), completion.usage(), null, false);
      }
    }
    drain();
  }

  void onLlmError(Turn turn, LlmException error) {
    synchronized (lock) {
      if (turn.phase == Turn.Phase.STREAMING && flushParser(turn)) {
        // A client that breaks the contract with a null error still ends the turn as a provider failure.
        String message = error == null || error.getMessage() == null ? "the model provider failed" : error.getMessage();
        Integer status = error != null && error.status() > 0 ? error.status() : null;
        log.info("LLM error session={} agent={} turn={} status={} retryable={} error={}", session.id(), agentId, turn.id,
            status, error != null && error.retryable(), error == null ? null : error.getClass().getSimpleName());
        finish(turn, "error", null, new TurnEvent.TurnError(ErrorCode.LLM_ERROR, message, status), false);
      }
    }
    drain();
  }

  /**
   * The {@link StreamIdleWatch} found {@code turn} silent for the idle timeout: ends it with
   * {@code llm_error}, unless the client called back since, which watches it again.
   */
  void onStreamIdle(Turn turn) {
    synchronized (lock) {
      if (turn.phase == Turn.Phase.STREAMING) {
        StreamIdleWatch watch = engine.streamIdleWatch();
        long idle = System.nanoTime() - turn.lastLlmCallbackNanos;
        if (idle < watch.timeoutNanos()) {
          watch.watch(this, turn);
        } else if (flushParser(turn)) {
          log.warn("LLM client silent, turn ended session={} agent={} turn={} idle_ms={}",
              session.id(), agentId, turn.id, TimeUnit.NANOSECONDS.toMillis(idle));
          finish(turn, "error", null, new TurnEvent.TurnError(ErrorCode.LLM_ERROR,
              "the model sent nothing for " + engine.streamIdleTimeout().toMillis() + " ms", null), true);
        }
      }
    }
    drain();
  }

  /**
   * Ends a streaming turn as {@code internal} after a failure of the engine's own handling or of
   * the client breaking its contract (a throwing {@code stream}, a null completion), so that no
   * turn is left without its terminal event; then delivers whatever the failed call had queued. A
   * {@link VirtualMachineError} is rethrown instead (see {@link UserCodeFailures}).
   */
  void onInternalError(Turn turn, String what, Throwable failure) {
    UserCodeFailures.rethrowIfFatal(failure);
    log.error("{} failed session={} agent={} turn={}", what, session.id(), agentId, turn.id, failure);
    synchronized (lock) {
      failInternally(turn);
    }
    drain();
  }

  /** Ends the stream in the parser; false when the turn ended meanwhile (tool call stop, parser failure). */
  private boolean flushParser(Turn turn) {
    try {
      turn.parser.finish();
    } catch (RuntimeException e) {
      log.error("tag parser failed session={} agent={} turn={}", session.id(), agentId, turn.id, e);
      failInternally(turn);
      return false;
    }
    return turn.phase == Turn.Phase.STREAMING;
  }

  /**
   * Ends a streaming turn as {@code internal}, unless it ended already (the failure may come after a
   * tool call stop inside the same parser call). A tag left open is closed incomplete first, with
   * the content sent so far, since only an interrupted turn may leave a tag open.
   */
  private void failInternally(Turn turn) {
    if (turn.phase != Turn.Phase.STREAMING) {
      return;
    }
    if (turn.openTag != null) {
      onTagClose(turn, turn.openIndex, turn.openTag, turn.openContent.toString(), false);
    }
    finish(turn, "error", null, new TurnEvent.TurnError(ErrorCode.INTERNAL, "internal error while streaming", null), true);
  }

  // ---- Tag events from the parser (called inside feed/finish, so with the lock held) ----

  void onTagOpen(Turn turn, int index, String tag, Map<String, String> attributes) {
    if (turn.phase != Turn.Phase.STREAMING) {
      return;
    }
    if (turn.toolCallSent && !TOOL_CALL.equals(tag)) {
      // The model would only be inventing the tools' results: stop here.
      log.debug("tool call stop session={} agent={} turn={} tag={}", session.id(), agentId, turn.id, tag);
      finish(turn, TOOL_CALLS, null, null, true);
      return;
    }
    turn.opened(index, tag, attributes);
    deliver(turn, new TurnEvent.TagOpen(agentId, turn.id, index, tag, attributes));
  }

  void onTagChunk(Turn turn, int index, String tag, String text) {
    if (turn.phase == Turn.Phase.STREAMING) {
      turn.openContent.append(text);
      deliver(turn, new TurnEvent.TagChunk(agentId, turn.id, index, tag, text));
    }
  }

  void onTagClose(Turn turn, int index, String tag, String content, boolean complete) {
    if (turn.phase != Turn.Phase.STREAMING) {
      return;
    }
    turn.sentTags.add(new ConfirmedTag(tag, turn.openAttributes, content));
    turn.openTag = null;
    if (TOOL_CALL.equals(tag)) {
      turn.toolCallSent = true;
    }
    deliver(turn, new TurnEvent.TagClose(agentId, turn.id, index, tag, content, complete));
  }

  // ---- The outbox ----

  private void deliver(Turn turn, TurnEvent event) {
    Connection connection = turn.connection;
    enqueue(() -> session.deliver(connection, event));
  }

  private void enqueue(Runnable action) {
    outbox.add(action);
  }

  /**
   * Runs the outbox's actions in order, outside the lock, unless another thread is already running
   * them (it will run what was just added too). Every entry point calls this after releasing the lock.
   */
  private void drain() {
    synchronized (lock) {
      if (draining || outbox.isEmpty()) {
        return;
      }
      draining = true;
    }
    boolean done = false;
    try {
      while (true) {
        Runnable action;
        synchronized (lock) {
          action = outbox.poll();
          if (action == null) {
            draining = false;
            done = true;
            return;
          }
        }
        action.run();
      }
    } finally {
      if (!done) {
        // An Error escaped an action: let the next caller carry on with the rest.
        synchronized (lock) {
          draining = false;
        }
      }
    }
  }

  private void cancelQuietly(LlmCall call) {
    try {
      call.cancel();
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("LLM call cancel failed session={} agent={}", session.id(), agentId, e);
    }
  }

  // ---- Helpers ----

  private static long millisSince(Turn turn, long nanos) {
    return nanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos - turn.acceptedNanos);
  }

  /**
   * The protocol's finish reason: a turn that made tool calls finishes with {@code tool_calls} however
   * the model stopped (the game must answer the calls it saw), and one that made none never does.
   */
  private static String finishReason(Turn turn, String providerReason) {
    if (turn.toolCallSent) {
      return TOOL_CALLS;
    }
    return TOOL_CALLS.equals(providerReason) ? "stop" : providerReason;
  }

  private static String outcome(TurnEvent terminal) {
    if (terminal instanceof TurnEvent.Finished f) {
      return f.error() == null ? f.finishReason() : f.finishReason() + "/" + f.error().code().wireName();
    }
    return "interrupted/" + ((TurnEvent.Interrupted) terminal).reason().wireName();
  }
}
