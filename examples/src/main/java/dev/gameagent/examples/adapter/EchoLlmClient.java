package dev.gameagent.examples.adapter;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.ModelNotFoundException;
import dev.gameagent.core.llm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A custom LLM adapter that answers every turn by repeating what the player said:
 * {@code <speech>You said: hello</speech>}, streamed one word at a time with a fixed pause. It is
 * the smallest correct {@link LlmClient}: copy it and replace {@link EchoAnswer} with calls to your
 * model.
 *
 * <p>What the engine relies on, and how this class honours it:
 * <ul>
 *   <li>{@link #stream} returns at once; the words arrive later on the client's own thread.
 *   <li>Callbacks for one call are made one at a time, in order, ending with exactly one
 *       {@code onComplete} or {@code onError} (see {@link EchoCall}).
 *   <li>After {@link LlmCall#cancel()} returns, the handler hears nothing more, not even a terminal
 *       call: the engine cancels when a newer event interrupts the NPC, and a late word would be
 *       spoken over the new answer.
 *   <li>A failure is an {@link LlmException} subclass delivered to {@code onError} on the client's
 *       thread, never thrown from {@code stream}: a request for a model other than {@code echo}
 *       fails with {@link ModelNotFoundException} (status 404), which the server reports to the game
 *       as {@code llm_error}.
 *   <li>{@code onComplete} carries a normalized finish reason ({@code stop}) and, when the model
 *       counts tokens, their {@link Usage}: this one counts the prompt's words and its own pieces.
 * </ul>
 *
 * <p>{@code dev.gameagent.llm.testing.LlmClientContract} in agent-llm's test-jar checks all of this;
 * {@code EchoLlmClientContractTest} runs it against this class.</p>
 *
 * <p>Thread-safe: one client serves every turn of every session on one daemon thread. Close it to
 * stop that thread; calls still streaming then end with {@code onError}, on the closing thread.
 */
public final class EchoLlmClient implements LlmClient, AutoCloseable {
  /** The provider name a spec's {@code llm.provider} or {@code LLM_PROVIDER} uses. */
  public static final String NAME = "echo";

  private final Duration delayPerWord;
  private final ScheduledExecutorService scheduler;
  private final Set<EchoCall> live = ConcurrentHashMap.newKeySet();

  /** @param delayPerWord the pause before each piece of the answer; zero streams as fast as possible */
  public EchoLlmClient(Duration delayPerWord) {
    Objects.requireNonNull(delayPerWord, "delayPerWord == null");
    if (delayPerWord.isNegative()) {
      throw new IllegalArgumentException("delayPerWord must not be negative: " + delayPerWord);
    }
    this.delayPerWord = delayPerWord;
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "echo-llm");
      thread.setDaemon(true);
      return thread;
    });
    // A cancelled call's next word should leave the queue at once, not wait out its delay.
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
  }

  /**
   * Starts streaming the echo of {@code request} to {@code handler}.
   *
   * @throws IllegalStateException when the client is closed
   */
  @Override
  public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(handler, "handler == null");
    if (scheduler.isShutdown()) {
      throw new IllegalStateException("EchoLlmClient is closed");
    }
    LlmException refusal = refusal(request);
    List<String> pieces = refusal == null ? EchoAnswer.pieces(request) : List.of();
    // The finish reason is normalized (stop, length, tool_calls, content_filter); a token is a piece here.
    LlmCompletion completion = new LlmCompletion("stop", new Usage(EchoAnswer.promptWords(request), pieces.size()));
    EchoCall call = new EchoCall(pieces, completion, refusal, handler, scheduler, delayPerWord, live::remove);
    live.add(call);
    call.start();
    return call;
  }

  /**
   * Why the echo model cannot serve {@code request}, or null. A real adapter maps its provider's
   * failures the same way, to the {@link LlmException} subclass that tells the caller what to do:
   * here a spec's {@code llm.model} naming another model is the provider's 404.
   */
  private static LlmException refusal(LlmRequest request) {
    if (request.model() != null && !request.model().equals(NAME)) {
      return new ModelNotFoundException("the echo adapter serves only the model '" + NAME + "', not '" + request.model() + "'", 404);
    }
    return null;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String modelFor(LlmRequest request) {
    return NAME;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    for (EchoCall call : live) {
      call.fail(new LlmException("the echo client was closed", 0, false));
    }
  }
}
