package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Calls that fail before they start, such as one for an unknown provider. Not API. */
public final class FailedCalls {
  private FailedCalls() {}

  /**
   * Reports {@code error} to {@code handler} on {@code executor} (never on the caller's thread unless
   * the executor refuses the task) and returns a call whose cancel, before that, suppresses it.
   */
  public static LlmCall deliverLater(LlmStreamHandler handler, LlmException error, Executor executor) {
    FailedCall call = new FailedCall(handler);
    try {
      executor.execute(() -> call.deliverError(error));
    } catch (RejectedExecutionException e) {
      call.deliverError(error);
    }
    return call;
  }

  private static final class FailedCall extends GuardedCall {
    FailedCall(LlmStreamHandler handler) {
      super(handler);
    }

    @Override
    protected void closeUpstream() {}
  }
}
