package dev.gameagent.core;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs NPC turns in-process: the entry point for a JVM game server and for the WebSocket server.
 *
 * <p>One engine serves many {@link GameSession}s; it is thread-safe. Close it to stop its timers.
 *
 * <pre>{@code
 * AgentEngine engine = AgentEngine.builder().llmClient(client).build();
 * GameSession session = engine.openSession(null, stateProvider, listener);
 * String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));
 * }</pre>
 *
 * <p>A turn: the event is accepted and gets its turn id; the engine asks the
 * {@link AgentStateProvider} for the agent's spec (falling back to the cached spec after the state
 * timeout, else ending the turn with {@code state_timeout}); builds the prompt with the
 * {@link PromptBuilder}; sends the exact request to {@link LogStore#llmRequest}; streams the
 * {@link LlmClient}'s answer through a tag parser configured from the spec; and reports
 * {@link TurnEvent}s to the {@link TurnListener}.
 *
 * <p>Threads: a {@link GameSession} call does its agent's short work on the calling thread (and may
 * deliver events there). Building the prompt and starting the stream happen on the thread that
 * completes the state request, or the timer's on a timeout, unless a
 * {@linkplain Builder#stateExecutor state executor} is given. The stream idle watchdog ends a silent
 * turn on the timer's thread, or on the state executor when one is given. Stream callbacks run on
 * the {@link LlmClient}'s threads.
 */
public final class AgentEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentEngine.class);

  private final LlmClient llmClient;
  private final PromptBuilder promptBuilder;
  private final Duration stateTimeout;
  private final Duration streamIdleTimeout;
  /** The timeouts in nanoseconds, for the timers: a duration too long to count so (some 292 years) is never. */
  private final long stateTimeoutNanos;
  private final int maxToolContinuations;
  private final int maxHistoryEntries;
  private final LogStore logStore;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Executor stateExecutor;
  private final StreamIdleWatch streamIdleWatch;
  private final SecureRandom random = new SecureRandom();
  private final AtomicInteger activeTurns = new AtomicInteger();
  private volatile boolean closed;

  private AgentEngine(Builder builder) {
    this.llmClient = Objects.requireNonNull(builder.llmClient, "llmClient == null");
    this.promptBuilder = builder.promptBuilder != null ? builder.promptBuilder : PromptBuilder.defaults();
    this.stateTimeout = builder.stateTimeout;
    this.streamIdleTimeout = builder.streamIdleTimeout;
    this.stateTimeoutNanos = saturatedNanos(stateTimeout);
    this.maxToolContinuations = builder.maxToolContinuations;
    this.maxHistoryEntries = builder.maxHistoryEntries;
    this.logStore = new GuardedLogStore(builder.logStore);
    this.ownsScheduler = builder.scheduler == null;
    this.scheduler = ownsScheduler ? newTimer() : builder.scheduler;
    this.stateExecutor = builder.stateExecutor;
    this.streamIdleWatch = new StreamIdleWatch(this, saturatedNanos(streamIdleTimeout));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a session.
   *
   * @param sessionId the id to use, or null for a new unguessable one (128 random bits)
   */
  public GameSession openSession(String sessionId, AgentStateProvider stateProvider, TurnListener listener) {
    String id = sessionId != null ? sessionId : IdGenerator.randomSessionId(random);
    if (id.isEmpty()) {
      throw new IllegalArgumentException("sessionId is empty");
    }
    GameSession session = new GameSession(this, id, new Connection(stateProvider, listener));
    log.info("session opened session={} given_id={}", id, sessionId != null);
    return session;
  }

  /** Turns waiting for state or streaming, over every session. */
  public int activeTurnCount() {
    return activeTurns.get();
  }

  /**
   * Closes the engine; sessions should be shut down first. A turn still waiting for its state ends
   * with {@code internal} when its state or its state timeout comes (a closed engine starts no
   * stream), and so does every new turn. The engine's own timer thread ends after those last timeouts; a scheduler
   * given to the builder is left running.
   */
  @Override
  public void close() {
    closed = true;
    if (ownsScheduler) {
      // Not shutdownNow(): the pending timeouts must still run, or their turns would wait forever.
      scheduler.shutdown();
    }
  }

  boolean closed() {
    return closed;
  }

  // ---- For sessions ----

  LlmClient llmClient() {
    return llmClient;
  }

  PromptBuilder promptBuilder() {
    return promptBuilder;
  }

  Duration stateTimeout() {
    return stateTimeout;
  }

  Duration streamIdleTimeout() {
    return streamIdleTimeout;
  }

  long stateTimeoutNanos() {
    return stateTimeoutNanos;
  }

  int maxToolContinuations() {
    return maxToolContinuations;
  }

  int maxHistoryEntries() {
    return maxHistoryEntries;
  }

  LogStore logStore() {
    return logStore;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  StreamIdleWatch streamIdleWatch() {
    return streamIdleWatch;
  }

  /**
   * Runs what a turn does once its state is known or timed out: on the state executor when one was
   * given, else at once. A task the executor rejects (or fails to take in any other way) runs at
   * once, so no turn is left waiting.
   */
  void continueAfterState(Runnable continuation) {
    if (stateExecutor == null) {
      continuation.run();
      return;
    }
    try {
      stateExecutor.execute(continuation);
    } catch (RejectedExecutionException e) {
      continuation.run();
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("state executor failed to take a task; running it on this thread", e);
      continuation.run();
    }
  }

  void turnBegan() {
    activeTurns.incrementAndGet();
  }

  void turnEnded() {
    activeTurns.decrementAndGet();
  }

  /** The model name for {@code agent_turn_started}; the client's failure is logged, not fatal. Call without a lock. */
  String modelFor(LlmRequest request) {
    try {
      String model = llmClient.modelFor(request);
      return model != null ? model : llmClient.name();
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("LlmClient.modelFor failed", e);
      return request.model() != null ? request.model() : "unknown";
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static ScheduledExecutorService newTimer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "game-agent-timer");
      thread.setDaemon(true);
      return thread;
    });
    // Most state timeouts are cancelled by the answer; do not keep them queued for 5 s.
    timer.setRemoveOnCancelPolicy(true);
    return Executors.unconfigurableScheduledExecutorService(timer);
  }

  /** Configures an {@link AgentEngine}; only the {@link #llmClient} is required. Not thread-safe. */
  public static final class Builder {
    private LlmClient llmClient;
    private PromptBuilder promptBuilder;
    private Duration stateTimeout = Duration.ofSeconds(5);
    private Duration streamIdleTimeout = Duration.ofMinutes(5);
    private int maxToolContinuations = 4;
    private int maxHistoryEntries = 1000;
    private LogStore logStore = LogStore.NONE;
    private ScheduledExecutorService scheduler;
    private Executor stateExecutor;

    Builder() {}

    /** The model every turn streams from; required. */
    public Builder llmClient(LlmClient client) {
      this.llmClient = Objects.requireNonNull(client, "client == null");
      return this;
    }

    /** Builds every turn's prompt; default {@link PromptBuilder#defaults()}. */
    public Builder promptBuilder(PromptBuilder promptBuilder) {
      this.promptBuilder = Objects.requireNonNull(promptBuilder, "promptBuilder == null");
      return this;
    }

    /**
     * How long a turn waits for {@link AgentStateProvider}; default 5 s. A duration too long to
     * count in nanoseconds (such as {@code ChronoUnit.FOREVER.getDuration()}) means no timeout.
     */
    public Builder stateTimeout(Duration timeout) {
      this.stateTimeout = positive(timeout, "stateTimeout");
      return this;
    }

    /**
     * How long a streaming turn waits for its {@link LlmClient} to call back (a text or reasoning
     * delta, the completion or an error) before it gives up on the client: the turn then finishes with
     * {@code llm_error} and the call is cancelled. A guard against a client that hangs without
     * failing, so no turn streams forever; default 5 minutes, well above a provider's own timeouts.
     * One sweep checks every streaming turn each second (a quarter of a shorter timeout), so a turn
     * ends up to that much after its timeout. A duration too long to count in nanoseconds (such as {@code ChronoUnit.FOREVER.getDuration()})
     * turns the guard off.
     */
    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = positive(timeout, "streamIdleTimeout");
      return this;
    }

    /** Continuation turns allowed in a row before {@code tool_loop_limit}; default 4. */
    public Builder maxToolContinuations(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxToolContinuations must be >= 0: " + max);
      }
      this.maxToolContinuations = max;
      return this;
    }

    /**
     * How many history entries (and turn records) an agent keeps in memory; default 1,000. Older
     * ones are forgotten in memory only (the {@link LogStore} has them): prompts use the most
     * recent {@code history_limit} anyway, and a result for a forgotten turn is {@code unknown_turn}.
     */
    public Builder maxHistoryEntries(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxHistoryEntries must be >= 1: " + max);
      }
      this.maxHistoryEntries = max;
      return this;
    }

    /** Where history, LLM requests and turn outcomes are recorded; default {@link LogStore#NONE}. */
    public Builder logStore(LogStore logStore) {
      this.logStore = Objects.requireNonNull(logStore, "logStore == null");
      return this;
    }

    /** The scheduler for state and stream idle timeouts; default a single daemon thread owned by the engine. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler == null");
      return this;
    }

    /**
     * Where a turn continues once its state is known or has timed out: building the prompt,
     * reporting {@link TurnEvent.Started} and calling {@link LlmClient#stream}; the stream idle
     * watchdog's check (which may end the turn) runs here too. Default: none, so this runs on the
     * thread that completes the {@link AgentStateProvider}'s stage (or the timer's).
     * Give one when stages complete on threads that must only do short work, such as a Netty event
     * loop. The engine does not shut it down; a task it rejects runs on the thread at hand. One
     * agent's events keep their order whatever thread delivers them.
     */
    public Builder stateExecutor(Executor executor) {
      this.stateExecutor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    public AgentEngine build() {
      return new AgentEngine(this);
    }

    private static Duration positive(Duration timeout, String name) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + timeout);
      }
      return timeout;
    }
  }
}
