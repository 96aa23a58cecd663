package dev.gameagent.llm.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories and timers for the adapters: named daemon threads, so a client never keeps a JVM alive. */
final class Threads {
  private Threads() {}

  static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A scheduler whose cancelled tasks leave its queue at once (deadlines are mostly cancelled). */
  static ScheduledThreadPoolExecutor scheduler(String prefix, int threads) {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(threads, daemon(prefix));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return timer;
  }
}
