package dev.gameagent.server;

import dev.gameagent.core.AgentRequestException;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.AgentStateProvider;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.StateRequest;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.TurnListener;
import dev.gameagent.protocol.ClientMessage;
import dev.gameagent.protocol.ProtocolException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection bound to one {@link GameSession}: it turns client messages into session
 * calls, and is the session's {@link AgentStateProvider} and {@link TurnListener}.
 *
 * <p>Threading: client messages arrive on the channel's event loop; turn events and state requests
 * arrive on engine threads. Every outgoing message goes through {@link Outbound}, which keeps call
 * order. Nothing here blocks.
 */
final class Connection implements AgentStateProvider, TurnListener {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** A {@code get_agent_state} waiting for its snapshot. */
  private record PendingState(String agentId, CompletableFuture<AgentSpec> future) {}

  private final ServerContext server;
  private final Outbound out;
  private final String remote;
  private final Map<String, PendingState> pendingStates = new ConcurrentHashMap<>();
  /** Event-loop confined, like {@link #onText}. */
  private final RateLimiter rateLimiter;
  /** Set once, on the event loop, by {@link #open}; null before. */
  private volatile ServerSession session;
  private volatile boolean takenOver;
  /** Set by {@link #shutdownTurns}; a session bound after that is shut down at once. */
  private volatile boolean shuttingDown;
  /** Whether this connection has had its bound session shut down; it does so once. */
  private final AtomicBoolean sessionShutDown = new AtomicBoolean();
  /** What {@link #shutdownTurns} returns: completed by whichever of it and {@link #open} comes second. */
  private final CompletableFuture<Void> shutdownSent = new CompletableFuture<>();

  Connection(ServerContext server, Channel channel) {
    this.server = server;
    this.out = new Outbound(channel, server.config().maxQueuedBytes());
    this.remote = String.valueOf(channel.remoteAddress());
    this.rateLimiter = new RateLimiter(server.config().rateLimit(), System::nanoTime);
  }

  Outbound outbound() {
    return out;
  }

  /** The game session, or null before {@link #open}. */
  GameSession game() {
    ServerSession s = session;
    return s == null ? null : s.game();
  }

  /** The session id, or null before {@link #open}. */
  String sessionId() {
    ServerSession s = session;
    return s == null ? null : s.game().id();
  }

  /**
   * Binds the connection to its session after the handshake and sends {@code session_started}.
   * Runs on the event loop, before any client message is read; {@code session_started} is sent
   * before the session is bound, so it is first even when a turn of a resumed session starts at once.
   */
  void open(String requestedSessionId) {
    open(requestedSessionId, null);
  }

  /**
   * As {@link #open(String)}, with the session's history read back from its logs after a restart:
   * used only when the session is not held in memory (else the held one is resumed as usual), and
   * then {@code session_started.resumed} is true.
   */
  void open(String requestedSessionId, SessionLogReader.Restored restored) {
    boolean[] fromDisk = {false};
    SessionRegistry.Attached<ServerSession, Connection> attached = server.sessions().attach(requestedSessionId, this,
        id -> {
          ServerSession opened = new ServerSession(server.engine().openSession(id, this, this),
              new AgentLimit(server.config().maxAgentsPerSession()), new LoggedSpecs());
          if (restored != null) {
            restore(opened, restored);
            fromDisk[0] = true;
          }
          sendSessionStarted(opened.game().id(), fromDisk[0]);
          return opened;
        },
        stored -> stored.game().id(),
        // attach() cancels the previous connection's turns upstream, silently.
        (stored, previous) -> previous.takenOver(),
        stored -> {
          // Sent before the session is bound here: from the binding on, a turn may start for this
          // connection at any moment (say, from a message the old connection was still handling).
          sendSessionStarted(stored.game().id(), true);
          stored.game().attach(this, this);
        });
    session = attached.session();
    // The server's shutdown may have passed this connection before its session was bound (a
    // handshake just done, a session read back from disk, a takeover during which the old
    // connection started a turn): no message may start a turn now either, and the shutdown waits
    // for the terminal messages of the turns this ends.
    shutDownSessionIfStopping();
    String id = session.game().id();
    boolean resumed = attached.resumed() || fromDisk[0];
    server.logStore().sessionOpened(id, resumed, remote);
    log.atInfo().addKeyValue("session", id).addKeyValue("remote", remote).addKeyValue("resumed", resumed)
        .addKeyValue("from_disk", fromDisk[0]).addKeyValue("event", "session_started").log("session started");
    if (attached.previousOwner() != null) {
      log.atInfo().addKeyValue("session", id).addKeyValue("event", "takeover")
          .log("session taken over by a new connection; closing the old one with 4000");
    }
  }

  private void sendSessionStarted(String id, boolean resumed) {
    out.send(Unpooled.wrappedBuffer(server.codec().sessionStarted(id, ServerContext.SERVER_NAME, server.version(),
        resumed)));
  }

  /**
   * Seeds a session just opened with the agents' histories and cached specs read from its logs;
   * not logged again.
   */
  private static void restore(ServerSession opened, SessionLogReader.Restored restored) {
    // The reader kept at most the agent limit, and only agents with a history have a spec, so this admits them all.
    opened.agents().admit(restored.histories().keySet());
    opened.game().reserveIds(restored.turnIds());
    restored.histories().forEach(opened.game()::restoreHistory);
    restored.specs().forEach((agentId, spec) -> {
      opened.game().updateSpec(agentId, spec);
      opened.specs().replace(agentId, spec);
    });
  }

  /** One client text message. Runs on the event loop. */
  void onText(String text) {
    if (!admit()) {
      return;
    }
    GameSession s = session.game();
    ClientMessage message = null;
    try {
      message = server.codec().decode(text, s::newEventId);
      dispatch(s, message);
    } catch (ProtocolException e) {
      log.atDebug().addKeyValue("session", s.id()).addKeyValue("code", e.code().wireName())
          .addKeyValue("in_reply_to", e.inReplyTo()).log("rejected client message: {}", e.getMessage());
      out.send(Unpooled.wrappedBuffer(server.codec().error(e)));
    } catch (AgentRequestException e) {
      log.atDebug().addKeyValue("session", s.id()).addKeyValue("code", e.code().wireName())
          .addKeyValue("in_reply_to", message.type()).log("request refused: {}", e.getMessage());
      sendError(e.code(), e.getMessage(), message);
    } catch (RuntimeException e) {
      String type = message == null ? null : message.type();
      log.atError().addKeyValue("session", s.id()).addKeyValue("in_reply_to", type).setCause(e)
          .log("internal error handling a client message");
      sendError(ErrorCode.INTERNAL, "internal server error", message);
    }
  }

  /** Sends an {@code error} answering {@code message} (null when it could not be decoded). */
  void sendError(ErrorCode code, String text, ClientMessage message) {
    MessageIds ids = MessageIds.of(message);
    out.send(Unpooled.wrappedBuffer(server.codec().error(code, text, ids.type(), ids.agentId(), ids.turnId(),
        ids.requestId())));
  }

  private void dispatch(GameSession s, ClientMessage message) {
    if (message instanceof ClientMessage.Ping ping) {
      // After every record of what the game sent before the ping: a pong means it is all on disk.
      out.sendAfter(server.logStore().flush(), Unpooled.wrappedBuffer(server.codec().pong(ping.id(),
          server.clock().millis())));
    } else if (message instanceof ClientMessage.InteractionEventMessage m) {
      checkTurnLimits(s, m.agentId());
      session.agents().admit(List.of(m.agentId()));
      String turnId = s.interact(m.agentId(), m.event());
      log.atDebug().addKeyValue("session", s.id()).addKeyValue("agent", m.agentId())
          .addKeyValue("event", m.event().eventId()).addKeyValue("turn", turnId)
          .addKeyValue("on_busy", m.event().onBusy().wireName()).log("interaction event");
    } else if (message instanceof ClientMessage.NotificationEventMessage m) {
      checkLogBacklog();
      session.agents().admit(m.agentIds());
      s.notify(m.agentIds(), m.event());
    } else if (message instanceof ClientMessage.AgentStateSnapshot m) {
      onSnapshot(s, m);
    } else if (message instanceof ClientMessage.AgentTurnResult m) {
      if (m.tags() != null) {
        s.confirmTurn(m.agentId(), m.turnId(), m.tags(), m.interrupted());
      } else {
        s.confirmTurnText(m.agentId(), m.turnId(), m.buffer(), m.interrupted());
      }
    } else if (message instanceof ClientMessage.ToolResultsMessage m) {
      checkTurnLimits(s, m.agentId());
      s.submitToolResults(m.agentId(), m.turnId(), m.results());
    } else if (message instanceof ClientMessage.CancelTurn m) {
      s.cancelTurn(m.agentId(), m.turnId());
    } else if (message instanceof ClientMessage.ResetAgent m) {
      s.resetAgent(m.agentId());
      session.specs().forget(m.agentId());
      log.atInfo().addKeyValue("session", s.id()).addKeyValue("agent", m.agentId()).addKeyValue("event", "reset_agent")
          .log("agent reset");
    } else {
      throw new IllegalStateException("unhandled message type " + message.type());
    }
  }

  /**
   * Refuses a message for {@code agentId} that may start a turn, with {@code limit_exceeded} and
   * before anything of it is applied, when it would take the session past its most turns at once,
   * or when the client is behind: more than half the queued-bytes cap is waiting to be written to
   * it (a turn would only add to that; past the whole cap the connection is closed).
   *
   * <p>The turn limit is exact: a message for an agent that already has a turn is let through,
   * since each agent has at most one turn and such a message only replaces it (an interrupt, tool
   * results for the streaming turn), queues behind it, or is recorded beside it (a drop, results
   * for a superseded turn). That check is a snapshot, yet the count cannot overshoot: every message
   * able to add a turn is checked here, one at a time on this session's event loop, and if the
   * agent's turn ends meanwhile on another thread, it freed the place the message then takes (a
   * queued event starting in its stead is replaced or queued behind in turn).
   */
  private void checkTurnLimits(GameSession s, String agentId) {
    checkLogBacklog();
    int maxTurns = server.config().maxTurnsPerSession();
    int active = s.activeTurnCount();
    if (active >= maxTurns && !s.hasTurn(agentId)) {
      throw new AgentRequestException(ErrorCode.LIMIT_EXCEEDED, "this session already has " + active
          + " turns waiting for state or streaming, the most allowed at once; no turn was started");
    }
    long queued = out.queuedBytes();
    if (queued > server.config().maxQueuedBytes() / 2) {
      throw new AgentRequestException(ErrorCode.LIMIT_EXCEEDED, queued + " bytes sent to this connection are"
          + " still waiting to be written: the game is not reading fast enough; no turn was started");
    }
  }

  /**
   * Refuses a message that would start a turn or add a notification, with {@code limit_exceeded},
   * while the session logs are far behind the disk: the records are never dropped, so new work waits
   * instead. Turn results and resets are still taken: there is at most one of each per turn.
   */
  private void checkLogBacklog() {
    if (server.logStore().isBehind()) {
      throw new AgentRequestException(ErrorCode.LIMIT_EXCEEDED, "the server's session logs are "
          + server.logStore().queuedRecords() + " records behind the disk; this message was not applied: send it"
          + " again later");
    }
  }

  /**
   * A snapshot answers the pending {@code get_agent_state} with its {@code request_id} and agent, or,
   * sent without a {@code request_id}, the agent's pending one (a game need not echo the id); any
   * other (unsolicited, or later than the state timeout) replaces the agent's cached spec.
   */
  private void onSnapshot(GameSession s, ClientMessage.AgentStateSnapshot m) {
    AgentSpec spec = m.spec();
    String requestId = m.requestId() != null ? m.requestId() : pendingRequestOf(m.agentId());
    PendingState pending = requestId == null ? null : pendingStates.get(requestId);
    if (pending == null || !pending.agentId().equals(m.agentId())
        || !pendingStates.remove(requestId, pending) || !pending.future().complete(spec)) {
      session.agents().admit(List.of(m.agentId()));
      s.updateSpec(m.agentId(), spec);
    }
    // Either way the engine caches it; logged so that a resume after a restart has it too.
    if (session.specs().replace(m.agentId(), spec)) {
      server.logStore().specCached(s.id(), m.agentId(), spec);
    }
  }

  /** The request id of the agent's unanswered state request (the engine waits on one per agent at most), or null. */
  private String pendingRequestOf(String agentId) {
    for (Map.Entry<String, PendingState> e : pendingStates.entrySet()) {
      if (e.getValue().agentId().equals(agentId) && !e.getValue().future().isDone()) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Sends {@code get_agent_state} and completes when the snapshot arrives; the engine applies the timeout. */
  @Override
  public CompletionStage<AgentSpec> requestState(StateRequest request) {
    CompletableFuture<AgentSpec> future = new CompletableFuture<>();
    PendingState pending = new PendingState(request.agentId(), future);
    pendingStates.put(request.requestId(), pending);
    out.send(Unpooled.wrappedBuffer(server.codec().getAgentState(request)));
    // Past the timeout the engine has moved on; a snapshot arriving then is unsolicited.
    try {
      out.channel().eventLoop().schedule(() -> pendingStates.remove(request.requestId(), pending),
          server.config().stateTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      pendingStates.remove(request.requestId(), pending);
    }
    return future;
  }

  @Override
  public void onEvent(TurnEvent event) {
    // A terminal message tells the game the turn is over: it waits until the turn's records are written.
    out.sendAfter(event.terminal() ? server.logStore().flush() : null, Unpooled.wrappedBuffer(server.codec().turnEvent(event)));
    // One INFO line per turn, at its end, with the outcome and timings; the rest at DEBUG and TRACE.
    if (event instanceof TurnEvent.Started started) {
      log.atDebug().addKeyValue("session", sessionId()).addKeyValue("agent", started.agentId())
          .addKeyValue("turn", started.turnId()).addKeyValue("event", "agent_turn_started")
          .addKeyValue("cause", started.cause().wireName()).addKeyValue("model", started.model())
          .addKeyValue("messages", started.prompt().messageCount()).log("turn started");
    } else if (event instanceof TurnEvent.Finished f) {
      log.atInfo().addKeyValue("session", sessionId()).addKeyValue("agent", f.agentId())
          .addKeyValue("turn", f.turnId()).addKeyValue("event", "agent_turn_finished")
          .addKeyValue("finish_reason", f.finishReason())
          .addKeyValue("state_ms", f.timing() == null ? null : f.timing().stateMs())
          .addKeyValue("first_token_ms", f.timing() == null ? null : f.timing().firstTokenMs())
          .addKeyValue("total_ms", f.timing() == null ? null : f.timing().totalMs())
          .addKeyValue("error", f.error() == null ? null : f.error().code().wireName()).log("turn finished");
    } else if (event instanceof TurnEvent.Interrupted i) {
      log.atInfo().addKeyValue("session", sessionId()).addKeyValue("agent", i.agentId())
          .addKeyValue("turn", i.turnId()).addKeyValue("event", "agent_turn_interrupted")
          .addKeyValue("reason", i.reason().wireName()).log("turn interrupted");
    } else if (log.isTraceEnabled()) {
      log.atTrace().addKeyValue("session", sessionId()).addKeyValue("agent", event.agentId())
          .addKeyValue("turn", event.turnId()).log("{}", event);
    }
  }

  /** A frame the server does not accept (binary), answered with {@code unsupported_frame}. */
  void onUnsupportedFrame(String what) {
    if (admit()) {
      sendError(ErrorCode.UNSUPPORTED_FRAME, what + " frames are not supported; send JSON text frames", null);
    }
  }

  /** A text frame that is not UTF-8. */
  void onInvalidUtf8() {
    if (admit()) {
      sendError(ErrorCode.INVALID_JSON, "the text frame is not valid UTF-8", null);
    }
  }

  /**
   * Whether a client message is to be handled: the connection owns its session, is not being closed,
   * and the message is within the rate limit. Every message counts, bad ones included, since each costs an answer; one
   * over the limit is answered with {@code rate_limited} and otherwise ignored.
   */
  private boolean admit() {
    // A connection being closed (taken over, shutdown, too slow, too big) reads on only to see the
    // client's close frame.
    if (session == null || takenOver || out.isClosing()) {
      return false;
    }
    if (!rateLimiter.tryAcquire()) {
      sendError(ErrorCode.RATE_LIMITED, "too many messages: at most " + server.config().rateLimit()
          + " a second on average; this one was ignored", null);
      return false;
    }
    return true;
  }

  /** Another connection resumed this session: close with 4000 after what was already queued. */
  void takenOver() {
    takenOver = true;
    out.close(4000, "session taken over by another connection");
  }

  /**
   * The server is stopping: ends every active turn with reason {@code shutdown}. Completes once their
   * terminal messages are handed to {@link #outbound()} (another thread may be delivering them), so a
   * close queued after that goes out after them. For a connection whose session is not bound yet,
   * that is once {@link #open} has bound it and ended the turns it had by then (a turn the
   * previous connection started during a takeover), or once the connection closed.
   */
  CompletionStage<Void> shutdownTurns() {
    shuttingDown = true;
    shutDownSessionIfStopping();
    return shutdownSent;
  }

  /**
   * Shuts the session down once it is bound and the server is stopping, whichever comes second
   * (both flags are volatile, so at least one of the two callers sees the other's), and completes
   * {@link #shutdownSent} when the terminal messages that caused are handed over. A connection taken
   * over has no turns: those of its session belong to the newer connection, whose shutdown ends them.
   */
  private void shutDownSessionIfStopping() {
    ServerSession s = session;
    if (s == null || !shuttingDown || !sessionShutDown.compareAndSet(false, true)) {
      return;
    }
    if (takenOver) {
      shutdownSent.complete(null);
      return;
    }
    s.game().shutdown().whenComplete((ignored, failure) -> shutdownSent.complete(null));
  }

  /** The channel closed. Cancels the session's turns upstream unless another connection took it over. */
  void closed() {
    ServerSession held = session;
    GameSession s = held == null ? null : held.game();
    // detach(this) is a no-op when a newer connection attached between release() and here.
    if (s != null && server.sessions().release(s.id(), this, System.nanoTime()) && s.detach(this)) {
      // Cancels the turns upstream and has the log store write the conversation log.
      log.atInfo().addKeyValue("session", s.id()).addKeyValue("remote", remote).addKeyValue("event", "disconnected")
          .log("connection closed; session kept for resume");
    }
    // After the detach, so that no turn reacts to these by sending to this closed connection.
    pendingStates.values().forEach(p -> p.future().completeExceptionally(new CancellationException("connection closed")));
    pendingStates.clear();
    // Nothing more can be sent: a shutdown need not wait for this connection (one whose session
    // was never bound, say, because it closed while its session was read from disk).
    shutdownSent.complete(null);
  }
}
