package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One offline answer being streamed: each piece is delivered by its own task on the offline
 * client's scheduler, which schedules the next one, so pieces arrive in order and one at a time,
 * never on the caller's thread. Cancel drops the pending task; see {@link GuardedCall}.
 */
final class OfflineCall extends GuardedCall {
  private final List<String> pieces;
  private final LlmCompletion completion;
  private final ScheduledExecutorService scheduler;
  private final long periodNanos;
  private final Set<OfflineCall> active;
  private volatile Future<?> pending;
  private int next;

  /**
   * @param periodNanos the pause before each piece; 0 for none
   * @param active the client's calls in flight: this call is in it from {@link #start()} until it is over
   */
  OfflineCall(LlmStreamHandler handler, List<String> pieces, LlmCompletion completion,
      ScheduledExecutorService scheduler, long periodNanos, Set<OfflineCall> active) {
    super(handler);
    this.pieces = pieces;
    this.completion = completion;
    this.scheduler = scheduler;
    this.periodNanos = periodNanos;
    this.active = active;
  }

  void start() {
    lock.lock();
    try {
      active.add(this);
      scheduleNext();
    } finally {
      leaveActiveIfOver();
      lock.unlock();
    }
  }

  /** Holds the lock. */
  private void scheduleNext() {
    try {
      pending = periodNanos == 0
          ? scheduler.submit(this::step)
          : scheduler.schedule(this::step, periodNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      deliverError(new LlmException("the offline model is closed", 0, false, e));
    }
  }

  private void step() {
    lock.lock();
    try {
      if (!isOpen()) {
        return;
      }
      if (next < pieces.size() && !deliverText(pieces.get(next++))) {
        return;
      }
      if (next < pieces.size()) {
        scheduleNext();
      } else {
        pending = null;
        deliverComplete(completion);
      }
    } finally {
      leaveActiveIfOver();
      lock.unlock();
    }
  }

  /**
   * Holds the lock. A call leaves the client's calls in flight only after its terminal callback has
   * returned: {@code close()} cancels the calls it finds there, and a cancel waits for a callback in
   * progress, so none can still be running once {@code close()} returns.
   */
  private void leaveActiveIfOver() {
    if (!isOpen()) {
      active.remove(this);
    }
  }

  @Override
  protected void closeUpstream() {
    Future<?> p = pending;
    if (p != null) {
      p.cancel(false);
    }
    if (lock.getHoldCount() == 1) {
      // cancel() from outside, now holding the lock, so no callback is running: no step will run
      // to remove the call. Not before the lock (a callback may still run, which close() must wait
      // for), nor inside a delivery (held more than once: the delivery removes the call itself
      // once its callback has returned).
      active.remove(this);
    }
  }
}
