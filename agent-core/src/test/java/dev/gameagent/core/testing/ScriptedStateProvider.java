package dev.gameagent.core.testing;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.AgentStateProvider;
import dev.gameagent.core.StateRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An {@link AgentStateProvider} test double. By default every request stays pending: the test takes
 * it with {@link #next()} and answers it ({@link Pending#answer}, {@link Pending#fail}) or lets it
 * time out. {@link #answering(AgentSpec)} answers every request at once; {@link #using} answers with
 * a function. Records every request. Thread-safe.
 */
public final class ScriptedStateProvider implements AgentStateProvider {
  private final Function<StateRequest, CompletionStage<AgentSpec>> answers;
  private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final List<StateRequest> requests = new CopyOnWriteArrayList<>();

  private ScriptedStateProvider(Function<StateRequest, CompletionStage<AgentSpec>> answers) {
    this.answers = answers;
  }

  /** Leaves every request pending for the test to answer. */
  public static ScriptedStateProvider manual() {
    return new ScriptedStateProvider(null);
  }

  /** Answers every request at once with {@code spec}. */
  public static ScriptedStateProvider answering(AgentSpec spec) {
    Objects.requireNonNull(spec, "spec == null");
    return new ScriptedStateProvider(request -> CompletableFuture.completedFuture(spec));
  }

  /** Answers every request with what {@code answers} returns. */
  public static ScriptedStateProvider using(Function<StateRequest, CompletionStage<AgentSpec>> answers) {
    return new ScriptedStateProvider(Objects.requireNonNull(answers, "answers == null"));
  }

  @Override
  public CompletionStage<AgentSpec> requestState(StateRequest request) {
    requests.add(request);
    if (answers != null) {
      return answers.apply(request);
    }
    CompletableFuture<AgentSpec> future = new CompletableFuture<>();
    pending.add(new Pending(request, future));
    return future;
  }

  /** Every request made so far, in order. */
  public List<StateRequest> requests() {
    return List.copyOf(requests);
  }

  /** The next pending request (manual mode), waiting up to 10 s for it. */
  public Pending next() {
    try {
      Pending next = pending.poll(10, TimeUnit.SECONDS);
      if (next == null) {
        throw new AssertionError("no state request within 10 s; requests so far: " + requests);
      }
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** A request waiting for its answer. */
  public record Pending(StateRequest request, CompletableFuture<AgentSpec> future) {
    public void answer(AgentSpec spec) {
      future.complete(spec);
    }

    public void fail(Throwable error) {
      future.completeExceptionally(error);
    }
  }
}
