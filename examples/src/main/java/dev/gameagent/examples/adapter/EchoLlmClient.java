package dev.gameagent.examples.adapter;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.time.Duration;
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
 * </ul>
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
    EchoCall call = new EchoCall(EchoAnswer.pieces(request), handler, scheduler, delayPerWord, live::remove);
    live.add(call);
    call.start();
    return call;
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
