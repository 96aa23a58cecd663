package dev.gameagent.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.gameagent.core.llm.InvalidRequestException;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class FailedCallTest {
  /** Runs tasks only when the test says so, so every interleaving is explicit. */
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor manual = tasks::add;
  private final List<LlmException> errors = new ArrayList<>();
  private final LlmStreamHandler handler = new LlmStreamHandler() {
    @Override
    public void onComplete(LlmCompletion completion) {
      throw new AssertionError("a failed call never completes");
    }

    @Override
    public void onError(LlmException error) {
      errors.add(error);
    }
  };
  private final LlmException refused = new InvalidRequestException("unknown provider 'x'", 0);

  @Test
  void errorArrivesOnTheExecutorNotBeforeStreamReturns() {
    FailedCall.deliverLater(handler, refused, manual);
    assertThat(errors).isEmpty();

    tasks.remove().run();

    assertThat(errors).containsExactly(refused);
  }

  @Test
  void cancelBeforeDeliverySuppressesTheError() {
    LlmCall call = FailedCall.deliverLater(handler, refused, manual);

    call.cancel();
    call.cancel();
    tasks.remove().run();

    assertThat(errors).isEmpty();
  }

  @Test
  void cancelAfterDeliveryIsANoOp() {
    LlmCall call = FailedCall.deliverLater(handler, refused, manual);
    tasks.remove().run();

    call.cancel();

    assertThat(errors).containsExactly(refused);
  }

  @Test
  void aRefusingExecutorDeliversOnTheCallersThread() {
    FailedCall.deliverLater(handler, refused, task -> {
      throw new RejectedExecutionException("shut down");
    });

    assertThat(errors).containsExactly(refused);
  }

  @Test
  void whatOnErrorThrowsIsSwallowed() {
    LlmStreamHandler throwing = new LlmStreamHandler() {
      @Override
      public void onComplete(LlmCompletion completion) {}

      @Override
      public void onError(LlmException error) {
        throw new IllegalStateException("game bug");
      }
    };
    FailedCall.deliverLater(throwing, refused, manual);

    Runnable delivery = tasks.remove();

    assertThatCode(delivery::run).doesNotThrowAnyException();
  }
}
