package dev.gameagent.examples.quickstart;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.AgentStateProvider;
import dev.gameagent.core.StateRequest;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * An {@link AgentStateProvider} for a game whose world may only be read on its main thread (a tick
 * loop): the engine's requests wait in a queue until the game's next tick answers them there, from
 * the world as it is at that tick.
 *
 * <p>Threading: {@link #requestState} is called from engine threads and never blocks;
 * {@link #runPending} and the spec function run on the game's main thread. Completing a request
 * continues the turn (prompt, LLM request) on the completing thread unless the engine has a
 * {@linkplain dev.gameagent.core.AgentEngine.Builder#stateExecutor state executor}: give it one to
 * keep that work off the main thread.
 */
public final class MainThreadStates implements AgentStateProvider {
  private final Function<String, AgentSpec> specs;
  private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();

  /** @param specs the NPC's spec by agent id, read on the main thread */
  public MainThreadStates(Function<String, AgentSpec> specs) {
    this.specs = Objects.requireNonNull(specs, "specs == null");
  }

  @Override
  public CompletionStage<AgentSpec> requestState(StateRequest request) {
    CompletableFuture<AgentSpec> answer = new CompletableFuture<>();
    waiting.add(new Waiting(request.agentId(), answer));
    return answer;
  }

  /**
   * Answers every waiting request; call it once per tick on the main thread.
   *
   * @return how many requests were answered
   */
  public int runPending() {
    int answered = 0;
    for (Waiting next = waiting.poll(); next != null; next = waiting.poll()) {
      if (next.answer().isDone()) {
        continue; // The engine no longer needs it (the turn ended or timed out) and cancelled it.
      }
      try {
        next.answer().complete(specs.apply(next.agentId()));
      } catch (RuntimeException e) {
        next.answer().completeExceptionally(e); // The turn ends with internal, or uses the cached spec.
      }
      answered++;
    }
    return answered;
  }

  private record Waiting(String agentId, CompletableFuture<AgentSpec> answer) {}
}
