package dev.gameagent.llm;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call that fails before it starts, such as one for an unknown provider: its only callback is
 * {@code onError}, delivered on an executor's thread, which a {@link #cancel()} that returns first
 * suppresses.
 *
 * <p>Delivery and cancel take the same lock, so a cancel racing the delivery waits for it; the lock
 * is reentrant, so the handler may cancel from inside {@code onError}.
 */
final class FailedCall implements LlmCall {
  private static final Logger log = LoggerFactory.getLogger(FailedCall.class);

  private final LlmStreamHandler handler;
  /** Guarded by this. */
  private boolean over;

  private FailedCall(LlmStreamHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler == null");
  }

  /**
   * Reports {@code error} to {@code handler} on {@code executor} (on the caller's thread only when
   * the executor refuses the task) and returns the call.
   */
  static LlmCall deliverLater(LlmStreamHandler handler, LlmException error, Executor executor) {
    Objects.requireNonNull(error, "error == null");
    FailedCall call = new FailedCall(handler);
    try {
      executor.execute(() -> call.deliver(error));
    } catch (RejectedExecutionException e) {
      call.deliver(error);
    }
    return call;
  }

  private synchronized void deliver(LlmException error) {
    if (over) {
      return;
    }
    over = true;
    try {
      handler.onError(error);
    } catch (RuntimeException e) {
      log.warn("stream handler threw from onError; ignored", e);
    }
  }

  @Override
  public synchronized void cancel() {
    over = true;
  }
}
