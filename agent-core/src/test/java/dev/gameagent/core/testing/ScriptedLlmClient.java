package dev.gameagent.core.testing;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.Usage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * An {@link LlmClient} test double that plays {@link Script}s: given chunks after given delays,
 * failures before or after some chunks, a completion with a finish reason and usage, pauses a test
 * releases, or a stream that never ends. Calls back from its own daemon threads, like a real client.
 *
 * <p>Each call takes the next script given to {@link #enqueue}; when none is left, the function given
 * to {@link #scripts} (default: {@code <speech>Hello.</speech>}, stop). It records every request and
 * call, and counts cancellations so a test can assert that an upstream call was cancelled.
 *
 * <p>Honours the {@link LlmCall#cancel()} contract: each call has a lock, held during each callback
 * and taken by {@code cancel()}, and a callback runs only if the call is neither cancelled nor
 * terminated; so once {@code cancel()} returns no callback follows. The lock is reentrant, so a
 * handler may cancel its own call from inside a callback. Callbacks of one call are made one at a
 * time and in order. A handler exception from a partial callback is routed to {@code onError}.
 *
 * <p>Thread-safe. {@link #close()} stops its threads.
 */
public final class ScriptedLlmClient implements LlmClient, AutoCloseable {
  private final ScheduledExecutorService executor;
  private final Deque<Script> queued = new ArrayDeque<>();
  private volatile Function<LlmRequest, Script> scripts = request -> Script.of("<speech>Hello.</speech>");
  private volatile String model;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger cancellations = new AtomicInteger();

  /** A client with two callback threads. */
  public ScriptedLlmClient() {
    this(2);
  }

  public ScriptedLlmClient(int threads) {
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, runnable -> {
      Thread thread = new Thread(runnable, "scripted-llm");
      thread.setDaemon(true);
      return thread;
    });
    pool.setRemoveOnCancelPolicy(true);
    this.executor = Executors.unconfigurableScheduledExecutorService(pool);
  }

  /** Adds a script for one future call; scripts are used in the order given. */
  public ScriptedLlmClient enqueue(Script script) {
    Objects.requireNonNull(script, "script == null");
    synchronized (queued) {
      queued.add(script);
    }
    return this;
  }

  /** What calls play once the enqueued scripts are used up. */
  public ScriptedLlmClient scripts(Function<LlmRequest, Script> scripts) {
    this.scripts = Objects.requireNonNull(scripts, "scripts == null");
    return this;
  }

  /** The model {@link #modelFor} reports when the request names none; default the request's model or {@code "scripted"}. */
  public ScriptedLlmClient model(String model) {
    this.model = model;
    return this;
  }

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public String modelFor(LlmRequest request) {
    if (request.model() != null) {
      return request.model();
    }
    return model != null ? model : name();
  }

  @Override
  public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(handler, "handler == null");
    Script script;
    synchronized (queued) {
      script = queued.poll();
    }
    if (script == null) {
      script = Objects.requireNonNull(scripts.apply(request), "script == null");
    }
    Call call;
    synchronized (calls) {
      call = new Call(calls.size(), request, handler, script);
      calls.add(call);
      calls.notifyAll();
    }
    call.schedule();
    return call;
  }

  /** Every call made so far, in order. */
  public List<Call> calls() {
    return Collections.unmodifiableList(calls);
  }

  /** Every request streamed so far, in order. */
  public List<LlmRequest> requests() {
    List<LlmRequest> requests = new ArrayList<>();
    for (Call call : calls) {
      requests.add(call.request);
    }
    return requests;
  }

  public int callCount() {
    return calls.size();
  }

  /** Calls cancelled before their terminal callback. */
  public int cancelCount() {
    return cancellations.get();
  }

  /** Waits (up to 10 s) for the call with this index (0 for the first) and returns it. */
  public Call awaitCall(int index) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    synchronized (calls) {
      while (calls.size() <= index) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no LLM call #" + index + " within 10 s; calls made: " + calls.size());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(calls, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
    return calls.get(index);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** One streaming call: its request, and whether it ended, was cancelled, or is paused. */
  public final class Call implements LlmCall {
    private final int index;
    private final LlmRequest request;
    private final LlmStreamHandler handler;
    private final List<Script.Step> steps;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private int next;
    private boolean paused;
    private boolean terminated;
    private boolean cancelled;
    private boolean cancelRequested;
    private Future<?> pending;
    private final List<String> delivered = new ArrayList<>();

    Call(int index, LlmRequest request, LlmStreamHandler handler, Script script) {
      this.index = index;
      this.request = request;
      this.handler = handler;
      this.steps = script.steps;
    }

    public int index() {
      return index;
    }

    public LlmRequest request() {
      return request;
    }

    /**
     * The handler the call was given, for a test that plays a client breaking the contract: one
     * calling back after its terminal callback or after {@link #cancel()} returned.
     */
    public LlmStreamHandler handler() {
      return handler;
    }

    /** Whether {@link #cancel()} was called at all, even after the terminal callback. */
    public boolean cancelRequested() {
      lock.lock();
      try {
        return cancelRequested;
      } finally {
        lock.unlock();
      }
    }

    /** Whether the call was cancelled before its terminal callback. */
    public boolean cancelled() {
      lock.lock();
      try {
        return cancelled;
      } finally {
        lock.unlock();
      }
    }

    /** Whether the terminal callback was made. */
    public boolean terminated() {
      lock.lock();
      try {
        return terminated;
      } finally {
        lock.unlock();
      }
    }

    /** Whether the call is at a {@link Script.Builder#pause()} waiting for {@link #release()}. */
    public boolean paused() {
      lock.lock();
      try {
        return paused && !cancelled;
      } finally {
        lock.unlock();
      }
    }

    /** The text deltas delivered to the handler so far. */
    public List<String> delivered() {
      lock.lock();
      try {
        return List.copyOf(delivered);
      } finally {
        lock.unlock();
      }
    }

    /** Resumes a call waiting at a pause. */
    public void release() {
      lock.lock();
      try {
        if (!paused) {
          throw new IllegalStateException("call #" + index + " is not paused");
        }
        paused = false;
        schedule();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void cancel() {
      lock.lock();
      try {
        cancelRequested = true;
        if (terminated || cancelled) {
          return;
        }
        cancelled = true;
        cancellations.incrementAndGet();
        if (pending != null) {
          pending.cancel(false);
        }
      } finally {
        lock.unlock();
      }
    }

    /** Schedules the next step after its delay. */
    void schedule() {
      lock.lock();
      try {
        if (cancelled || terminated || next >= steps.size()) {
          return;
        }
        long delayNanos = steps.get(next).delayNanos;
        try {
          pending = executor.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
          pending = null;
        }
      } finally {
        lock.unlock();
      }
    }

    /** Runs steps until one needs a delay, a pause, or the end. */
    private void run() {
      lock.lock();
      try {
        boolean first = true;
        while (!cancelled && !terminated && next < steps.size()) {
          Script.Step step = steps.get(next);
          if (!first && step.delayNanos > 0) {
            schedule();
            return;
          }
          first = false;
          next++;
          if (!perform(step)) {
            return;
          }
        }
      } finally {
        lock.unlock();
      }
    }

    /** Performs one step with the lock held; false when the script stops here (pause or terminal). */
    private boolean perform(Script.Step step) {
      switch (step.kind) {
        case TEXT:
          delivered.add(step.text);
          try {
            handler.onText(step.text);
          } catch (RuntimeException e) {
            terminate(() -> handler.onError(new LlmException("handler failed: " + e, 0, false, e)));
            return false;
          }
          return true;
        case PAUSE:
          paused = true;
          return false;
        case COMPLETE:
          terminate(() -> handler.onComplete(new LlmCompletion(step.finishReason, step.usage)));
          return false;
        case FAIL:
        default:
          terminate(() -> handler.onError(step.error));
          return false;
      }
    }

    private void terminate(Runnable callback) {
      terminated = true;
      callback.run();
    }
  }

  /**
   * What one call plays: text chunks, delays, pauses, and at most one terminal step (a completion or
   * a failure). A script without a terminal step never ends on its own.
   */
  public static final class Script {
    final List<Step> steps;

    private Script(List<Step> steps) {
      this.steps = List.copyOf(steps);
    }

    public static Builder builder() {
      return new Builder();
    }

    /** The chunks at once, then a completion with finish reason {@code stop} and no usage. */
    public static Script of(String... chunks) {
      return builder().text(chunks).complete("stop", null).build();
    }

    /** A failure before any chunk. */
    public static Script failing(LlmException error) {
      return builder().fail(error).build();
    }

    /** A stream that sends the chunks and then never ends. */
    public static Script hanging(String... chunks) {
      return builder().text(chunks).build();
    }

    enum Kind {
      TEXT, PAUSE, COMPLETE, FAIL
    }

    static final class Step {
      final Kind kind;
      final long delayNanos;
      final String text;
      final String finishReason;
      final Usage usage;
      final LlmException error;

      Step(Kind kind, long delayNanos, String text, String finishReason, Usage usage, LlmException error) {
        this.kind = kind;
        this.delayNanos = delayNanos;
        this.text = text;
        this.finishReason = finishReason;
        this.usage = usage;
        this.error = error;
      }
    }

    /** Builds a {@link Script}. Not thread-safe. */
    public static final class Builder {
      private final List<Step> steps = new ArrayList<>();
      private long delayNanos;
      private boolean ended;

      Builder() {}

      /** Waits this long before the next step. */
      public Builder delay(Duration delay) {
        this.delayNanos += delay.toNanos();
        return this;
      }

      /** Sends each chunk as one {@code onText}; empty chunks are skipped. */
      public Builder text(String... chunks) {
        for (String chunk : chunks) {
          if (!chunk.isEmpty()) {
            add(new Step(Kind.TEXT, delayNanos, chunk, null, null, null));
          }
        }
        return this;
      }

      /** Stops until the test calls {@link Call#release()}. */
      public Builder pause() {
        return add(new Step(Kind.PAUSE, delayNanos, null, null, null, null));
      }

      /** Ends the stream normally. */
      public Builder complete(String finishReason, Usage usage) {
        Objects.requireNonNull(finishReason, "finishReason == null");
        add(new Step(Kind.COMPLETE, delayNanos, null, finishReason, usage, null));
        ended = true;
        return this;
      }

      /** Ends the stream with {@code error}. */
      public Builder fail(LlmException error) {
        Objects.requireNonNull(error, "error == null");
        add(new Step(Kind.FAIL, delayNanos, null, null, null, error));
        ended = true;
        return this;
      }

      public Script build() {
        return new Script(steps);
      }

      private Builder add(Step step) {
        if (ended) {
          throw new IllegalStateException("the script already ended");
        }
        steps.add(step);
        delayNanos = 0;
        return this;
      }
    }
  }
}
