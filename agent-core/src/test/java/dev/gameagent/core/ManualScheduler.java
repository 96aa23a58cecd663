package dev.gameagent.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler for the engine's state timeouts whose one-shot tasks run only when a test fires them,
 * so a test decides whether the answer or the timeout comes first instead of racing a wall clock.
 * Records each task's delay. The stream idle watch's sweeps are kept apart ({@link #fireSweeps}),
 * so that a sweep left over from an earlier turn is neither fired nor waited for as a state timeout.
 * Thread-safe. Shut it down after the test.
 */
final class ManualScheduler extends ScheduledThreadPoolExecutor {

  /** A task scheduled with {@link #schedule(Runnable, long, TimeUnit)}. */
  private record Task(Runnable command, long delayNanos, ScheduledFuture<?> future) {}

  private final List<Task> tasks = new ArrayList<>();

  ManualScheduler() {
    super(1);
    setRemoveOnCancelPolicy(true);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    // A real future that never comes due, so the engine's cancel() behaves as in production.
    ScheduledFuture<?> future = super.schedule(command, 365, TimeUnit.DAYS);
    synchronized (tasks) {
      tasks.add(new Task(command, unit.toNanos(delay), future));
      tasks.notifyAll();
    }
    return future;
  }

  /**
   * Runs, on the calling thread, every task scheduled so far that was not cancelled, after waiting
   * (up to 10 s) for there to be one: the engine may schedule on another thread than the test's.
   *
   * @return how many ran
   */
  int fire() {
    awaitLive();
    List<Task> due = new ArrayList<>();
    synchronized (tasks) {
      tasks.removeIf(t -> !isSweep(t) && due.add(t));
    }
    return run(due);
  }

  /** Runs, on the calling thread, the stream idle sweeps scheduled so far; returns how many ran. */
  int fireSweeps() {
    List<Task> due = new ArrayList<>();
    synchronized (tasks) {
      tasks.removeIf(t -> isSweep(t) && due.add(t));
    }
    return run(due);
  }

  /** Whether a stream idle sweep is scheduled now. */
  boolean hasPendingSweep() {
    synchronized (tasks) {
      return tasks.stream().anyMatch(t -> isSweep(t) && !t.future.isDone());
    }
  }

  private static boolean isSweep(Task task) {
    return task.command instanceof StreamIdleWatch.Sweep;
  }

  private static int run(List<Task> due) {
    int ran = 0;
    for (Task task : due) {
      // cancel() fails for a task the engine cancelled already: that one must not run.
      if (task.future.cancel(false)) {
        task.command.run();
        ran++;
      }
    }
    return ran;
  }

  /** The delay, in nanoseconds, of the oldest task scheduled and not cancelled, waiting (up to 10 s) for one. */
  long pendingDelay() {
    return awaitLive().delayNanos;
  }

  /** Whether a task other than a sweep is scheduled and not cancelled now. */
  boolean hasPending() {
    synchronized (tasks) {
      return tasks.stream().anyMatch(t -> !isSweep(t) && !t.future.isDone());
    }
  }

  private Task awaitLive() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    synchronized (tasks) {
      while (true) {
        for (Task task : tasks) {
          if (!isSweep(task) && !task.future.isDone()) {
            return task;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no state timeout scheduled within 10 s");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(tasks, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }
}
