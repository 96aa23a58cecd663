package dev.gameagent.core;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's stream idle watchdog: while any turn streams, a sweep on the engine's scheduler runs
 * every {@link #periodNanos} and hands each turn whose client has been silent for the idle timeout
 * to its agent, which ends it. One sweep for all turns rather than a timer per turn: scheduling and
 * cancelling a timer per turn cost every turn a wake-up of the timer thread. A turn ends at most one
 * period after its timeout.
 *
 * <p>Thread-safe: turns are watched and unwatched under their agents' locks, swept on the
 * scheduler's thread.
 */
final class StreamIdleWatch {

  private static final Logger log = LoggerFactory.getLogger(StreamIdleWatch.class);
  private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final AgentEngine engine;
  private final long timeoutNanos;
  private final long periodNanos;
  private final Map<Turn, AgentState> watched = new ConcurrentHashMap<>();
  private final AtomicBoolean sweepScheduled = new AtomicBoolean();
  private final Sweep sweep = new Sweep();

  /** {@code timeoutNanos} of {@link Long#MAX_VALUE} means never: no turn is watched. */
  StreamIdleWatch(AgentEngine engine, long timeoutNanos) {
    this.engine = engine;
    this.timeoutNanos = timeoutNanos;
    this.periodNanos = Math.max(1, Math.min(MAX_PERIOD_NANOS, timeoutNanos / 4));
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  /** Watches {@code turn}, which has just started streaming or called back since it was last swept. */
  void watch(AgentState agent, Turn turn) {
    if (timeoutNanos == Long.MAX_VALUE) {
      return;
    }
    watched.put(turn, agent);
    if (sweepScheduled.compareAndSet(false, true)) {
      scheduleSweep();
    }
  }

  /** Stops watching {@code turn}, which has ended. */
  void unwatch(Turn turn) {
    watched.remove(turn);
  }

  private void scheduleSweep() {
    try {
      engine.scheduler().schedule(sweep, periodNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      sweepScheduled.set(false); // the engine is closing; its turns end with their streams
    }
  }

  /** The sweep as the scheduler sees it; a type of its own, so a test's scheduler can tell it from a state timeout. */
  final class Sweep implements Runnable {
    @Override
    public void run() {
      sweep();
    }
  }

  private void sweep() {
    try {
      long now = System.nanoTime();
      for (Iterator<Map.Entry<Turn, AgentState>> it = watched.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Turn, AgentState> entry = it.next();
        Turn turn = entry.getKey();
        if (now - turn.lastLlmCallbackNanos >= timeoutNanos) {
          it.remove(); // the agent watches it again if the client called back meanwhile
          AgentState agent = entry.getValue();
          try {
            engine.continueAfterState(() -> agent.onStreamIdle(turn));
          } catch (RuntimeException e) {
            log.warn("stream idle check failed turn={}", turn.id, e);
          }
        }
      }
    } finally {
      // Even after a fatal error (a listener's stack overflow, run here without a state executor):
      // the sweep is every turn's, and left marked scheduled it would never run again.
      sweepScheduled.set(false);
      // a turn watched while this sweep ran may have seen it still scheduled: look again
      if (!watched.isEmpty() && sweepScheduled.compareAndSet(false, true)) {
        scheduleSweep();
      }
    }
  }
}
