package dev.gameagent.examples.adapter;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One echo answer in flight: delivers its pieces to the handler one scheduled step at a time.
 *
 * <p>How the cancel contract holds: every callback is made inside {@code synchronized (lock)} after
 * checking {@link #cancelled}; {@link #cancel()} sets the flag first, then takes the same lock. So a
 * cancel racing a callback on the stream thread waits for that callback to return, and every later
 * step sees the flag and stays silent. The lock is reentrant, so a handler may cancel from inside
 * its own callback. Each step schedules the next only when it is done, so callbacks never overlap
 * and arrive in order.
 *
 * <p>A handler that throws from {@code onText} ends the call with {@code onError}; what a terminal
 * callback throws is logged and dropped (there is nobody left to tell).
 */
final class EchoCall implements LlmCall {
  private static final Logger log = LoggerFactory.getLogger(EchoCall.class);

  private final List<String> pieces;
  /** When not null, the call fails with it at its first step instead of answering. */
  private final LlmException failure;
  private final LlmCompletion completion;
  private final LlmStreamHandler handler;
  private final ScheduledExecutorService scheduler;
  private final long delayNanos;
  /** Told when the call is over, so the client stops tracking it; may be told twice (removal is idempotent). */
  private final Consumer<EchoCall> onOver;
  private final Object lock = new Object();
  private volatile boolean cancelled;
  /** Guarded by {@link #lock}. */
  private boolean finished;
  /** Guarded by {@link #lock}. */
  private int next;
  private volatile Future<?> pending;

  EchoCall(List<String> pieces, LlmCompletion completion, LlmException failure, LlmStreamHandler handler,
      ScheduledExecutorService scheduler, Duration delay, Consumer<EchoCall> onOver) {
    this.pieces = List.copyOf(pieces);
    this.completion = completion;
    this.failure = failure;
    this.handler = handler;
    this.scheduler = scheduler;
    this.delayNanos = delay.toNanos();
    this.onOver = onOver;
  }

  void start() {
    synchronized (lock) {
      scheduleNextStep();
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    Future<?> step = pending;
    if (step != null) {
      step.cancel(false);
    }
    synchronized (lock) {
      // Taking the lock waits out a callback running on the stream thread.
      finished = true;
    }
    onOver.accept(this);
  }

  /** One step: the failure, the next piece, or the completion after the last piece. */
  private void step() {
    synchronized (lock) {
      if (cancelled || finished) {
        return;
      }
      if (failure != null) {
        // Reported like every other callback: later, on the stream thread, never thrown from stream().
        fail(failure);
        return;
      }
      if (next == pieces.size()) {
        finished = true;
        onOver.accept(this);
        try {
          handler.onComplete(completion);
        } catch (RuntimeException e) {
          log.warn("stream handler threw from onComplete; ignored", e);
        }
        return;
      }
      String piece = pieces.get(next++);
      try {
        handler.onText(piece);
      } catch (RuntimeException e) {
        fail(new LlmException("the stream handler failed in onText: " + e.getClass().getSimpleName(), 0, false, e));
        return;
      }
      if (!cancelled) {
        scheduleNextStep();
      }
    }
  }

  /** Called with the lock held. */
  private void scheduleNextStep() {
    try {
      pending = scheduler.schedule(this::step, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The client was closed under a running call: end it properly rather than leave it hanging.
      fail(new LlmException("the echo client was closed", 0, false, e));
    }
  }

  /** Ends the call with {@code onError}, unless it is already over. */
  void fail(LlmException error) {
    synchronized (lock) {
      if (finished || cancelled) {
        return;
      }
      finished = true;
      onOver.accept(this);
      try {
        handler.onError(error);
      } catch (RuntimeException e) {
        log.warn("stream handler threw from onError; ignored", e);
      }
    }
  }
}
