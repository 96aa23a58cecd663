package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-call state machine shared by every adapter here: it delivers a handler's callbacks one at
 * a time, in order, and guarantees that none arrives after {@link #cancel()} returns.
 *
 * <p>The state moves once, from {@code OPEN} to {@code DONE} (a terminal callback was delivered) or
 * to {@code CANCELLED}. Every delivery holds {@link #lock} and checks the state under it; cancel
 * flips the state first, closes the upstream at once, then takes the lock, so it waits for a
 * callback in progress on another thread and no later delivery can start. Subclasses change their
 * own state only while holding {@link #lock} too. The lock is reentrant: a handler may cancel from
 * inside a callback.
 *
 * <p>A handler that throws from {@code onText} or {@code onReasoning} ends the call with
 * {@code onError}; whatever {@code onError} or {@code onComplete} throws is logged and swallowed.
 */
abstract class GuardedCall implements LlmCall {
  private static final Logger log = LoggerFactory.getLogger(GuardedCall.class);

  private enum State { OPEN, DONE, CANCELLED }

  protected final ReentrantLock lock = new ReentrantLock();
  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
  private final LlmStreamHandler handler;
  private boolean delivered;

  GuardedCall(LlmStreamHandler handler) {
    this.handler = java.util.Objects.requireNonNull(handler, "handler == null");
  }

  /**
   * Closes the upstream and drops timers; called by {@link #cancel()} (first without the lock, then
   * with it) and before {@code onError}. Must be idempotent, fast and never block. A normal
   * completion does not call it, so a finished HTTP exchange can return its connection to the pool;
   * subclasses release what they hold before {@link #deliverComplete}.
   */
  protected abstract void closeUpstream();

  @Override
  public final void cancel() {
    boolean cancelledNow = state.compareAndSet(State.OPEN, State.CANCELLED);
    if (cancelledNow) {
      closeUpstream();
    }
    lock.lock();
    try {
      if (cancelledNow) {
        // Under the lock no new attempt can start; close whatever started meanwhile.
        closeUpstream();
      }
    } finally {
      lock.unlock();
    }
  }

  final boolean isOpen() {
    return state.get() == State.OPEN;
  }

  /** Whether a text or reasoning piece has reached the handler. */
  final boolean anyDelivered() {
    return delivered;
  }

  /** Delivers answer text; returns false when the call is over. */
  final boolean deliverText(String delta) {
    return deliverPartial(delta, false);
  }

  /** Delivers reasoning text; returns false when the call is over. */
  final boolean deliverReasoning(String delta) {
    return deliverPartial(delta, true);
  }

  private boolean deliverPartial(String delta, boolean reasoning) {
    if (delta == null || delta.isEmpty()) {
      return isOpen();
    }
    lock.lock();
    try {
      if (!isOpen()) {
        return false;
      }
      delivered = true;
      try {
        if (reasoning) {
          handler.onReasoning(delta);
        } else {
          handler.onText(delta);
        }
      } catch (RuntimeException e) {
        String what = reasoning ? "onReasoning" : "onText";
        deliverError(new LlmException("the stream handler failed in " + what + ": " + e.getClass().getSimpleName(), 0, false, e));
        return false;
      }
      return isOpen();
    } finally {
      lock.unlock();
    }
  }

  /** Delivers the terminal completion unless the call is already over. */
  final void deliverComplete(LlmCompletion completion) {
    terminate(false, () -> handler.onComplete(completion), "onComplete");
  }

  /** Closes the upstream and delivers the terminal error unless the call is already over. */
  final void deliverError(LlmException error) {
    terminate(true, () -> handler.onError(error), "onError");
  }

  private void terminate(boolean closeUpstream, Runnable callback, String name) {
    lock.lock();
    try {
      if (!state.compareAndSet(State.OPEN, State.DONE)) {
        return;
      }
      if (closeUpstream) {
        closeUpstream();
      }
      try {
        callback.run();
      } catch (RuntimeException e) {
        log.warn("LLM stream handler threw from {}; ignored", name, e);
      }
    } finally {
      lock.unlock();
    }
  }
}
