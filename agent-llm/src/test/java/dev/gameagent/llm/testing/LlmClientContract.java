package dev.gameagent.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.llm.testing.ContractRecorder.Callback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LlmClient} must honour, as JUnit tests an adapter author runs against
 * their own adapter: extend this class in your test sources, implement {@link #createClient()}, and
 * override {@link #failingRequest()} to cover your error path.
 *
 * <pre>{@code
 * class MyLlmClientContractTest extends LlmClientContract {
 *   @Override protected LlmClient createClient() { return new MyLlmClient(fakeServerUrl); }
 *   @Override protected LlmRequest failingRequest() { return answerRequest().newBuilder().model("no-such-model").build(); }
 * }
 * }</pre>
 *
 * <p>What it checks: {@code stream} returns at once and no callback runs on the caller's thread;
 * text arrives in non-empty deltas, one callback at a time, ending with exactly one terminal
 * callback and nothing after it; a normal finish carries a normalized finish reason; after
 * {@link LlmCall#cancel()} returns (from the test thread, from inside a callback, while a callback
 * is running, right after {@code stream}), no callback arrives, not even a terminal one; cancel is
 * idempotent and a no-op after the finish; a handler that throws from {@code onText} gets
 * {@code onError}; a failure is reported through {@code onError} as an {@link LlmException} with a
 * message; one client serves many streams at once.
 *
 * <p>"Nothing arrives" is watched for {@link #quietPeriod()}; a late callback within that window is
 * caught, one much later may not be. Needs JUnit Jupiter, AssertJ and Awaitility on the test
 * classpath. The client is created before each test and closed after it when it is
 * {@link AutoCloseable}.
 */
public abstract class LlmClientContract {
  /** The finish reasons a normal completion may carry. */
  private static final Set<String> FINISH_REASONS = Set.of("stop", "length", "tool_calls", "content_filter");
  private static final int CONCURRENT_STREAMS = 16;

  private LlmClient client;

  /** Creates the client under test; called before each test. */
  protected abstract LlmClient createClient() throws Exception;

  /**
   * A request the client answers normally, in at least two text deltas (the cancel checks cancel
   * between two deltas). The default is a town guard greeted by the player: a system and a user
   * message, no model, no options.
   */
  protected LlmRequest answerRequest() {
    return LlmRequest.builder()
        .addMessage(ChatMessage.system(
            "You are Brom, a gruff town guard at the north gate. Answer only inside <speech></speech>."))
        .addMessage(ChatMessage.user("Good evening, guard! Who are you?"))
        .build();
  }

  /**
   * A request the client must fail with an {@link LlmException} (say, one naming a model the fake
   * server does not know), or null when there is none to provoke; then the error check is skipped.
   */
  protected LlmRequest failingRequest() {
    return null;
  }

  /** How long to wait for a callback that must come; default 30 s, for loaded CI machines. */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  /** How long to watch for a callback that must not come; default 300 ms. */
  protected Duration quietPeriod() {
    return Duration.ofMillis(300);
  }

  /** The client under test. */
  protected final LlmClient client() {
    return client;
  }

  @BeforeEach
  final void createClientUnderTest() throws Exception {
    client = createClient();
    assertThat(client).as("createClient()").isNotNull();
  }

  @AfterEach
  final void closeClientUnderTest() throws Exception {
    if (client instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  @Test
  void streamsTextInDeltasAndFinishesExactlyOnce() {
    ContractRecorder recorder = new ContractRecorder();

    LlmCall call = client.stream(answerRequest(), recorder);

    assertThat(call).as("stream() returns a call").isNotNull();
    Callback terminal = recorder.awaitTerminal(timeout());
    assertThat(terminal.kind()).as("terminal callback %s", terminal).isEqualTo("complete");
    assertThat(terminal.completion().finishReason()).isIn(FINISH_REASONS);
    List<Callback> texts = recorder.callbacks().stream().filter(c -> c.kind().equals("text")).toList();
    assertThat(texts).as("answerRequest() must be answered in at least two text deltas").hasSizeGreaterThanOrEqualTo(2);
    recorder.assertQuietFor(quietPeriod());
  }

  @Test
  void noCallbackRunsOnTheCallersThread() {
    ContractRecorder recorder = new ContractRecorder();

    client.stream(answerRequest(), recorder);

    recorder.awaitTerminal(timeout());
    assertThat(recorder.callbacks()).extracting(Callback::thread).doesNotContain(Thread.currentThread());
  }

  @Test
  void cancelInsideACallbackEndsTheCallThere() {
    CompletableFuture<LlmCall> callRef = new CompletableFuture<>();
    CountDownLatch cancelled = new CountDownLatch(1);
    ContractRecorder recorder = new ContractRecorder() {
      @Override
      void react(Callback callback) {
        if (callback.kind().equals("text") && cancelled.getCount() == 1) {
          // stream() has returned by now unless it ran this callback itself, which the join exposes.
          callRef.orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join().cancel();
          cancelReturned();
          cancelled.countDown();
        }
      }
    };

    callRef.complete(client.stream(answerRequest(), recorder));

    await("the first text delta cancels the call").atMost(timeout()).until(() -> cancelled.getCount() == 0);
    recorder.assertQuietFor(quietPeriod());
    assertThat(recorder.callbacks()).noneMatch(Callback::terminal);
  }

  @Test
  void cancelWhileACallbackRunsSilencesEverythingAfterIt() throws Exception {
    CountDownLatch inCallback = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch callbackDone = new CountDownLatch(1);
    AtomicBoolean cancelReturned = new AtomicBoolean();
    AtomicBoolean returnedMidCallback = new AtomicBoolean();
    ContractRecorder recorder = new ContractRecorder() {
      @Override
      void react(Callback callback) {
        if (callback.kind().equals("text") && inCallback.getCount() == 1) {
          inCallback.countDown();
          awaitLatch(release);
          // The callback is about to return: cancel() must still be waiting for it.
          returnedMidCallback.set(cancelReturned.get());
          callbackDone.countDown();
        }
      }
    };
    LlmCall call = client.stream(answerRequest(), recorder);
    assertThat(inCallback.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).as("a first text delta").isTrue();

    Thread canceller = new Thread(() -> {
      call.cancel();
      cancelReturned.set(true);
      recorder.cancelReturned();
    }, "contract-canceller");
    canceller.start();
    // Let cancel() reach whatever it waits on (or return), then let the running callback finish.
    await().atMost(timeout()).until(() -> canceller.getState() != Thread.State.RUNNABLE && canceller.getState() != Thread.State.NEW);
    release.countDown();
    canceller.join(timeout().toMillis());

    assertThat(canceller.isAlive()).as("cancel() returns once the running callback has").isFalse();
    awaitLatch(callbackDone);
    assertThat(returnedMidCallback).as("cancel() returned while a callback was still running").isFalse();
    recorder.assertQuietFor(quietPeriod());
    assertThat(recorder.callbacks()).noneMatch(Callback::terminal);
  }

  @Test
  void cancelRightAfterStreamSilencesTheCall() {
    ContractRecorder recorder = new ContractRecorder();

    LlmCall call = client.stream(answerRequest(), recorder);
    call.cancel();
    recorder.cancelReturned();

    recorder.assertQuietFor(quietPeriod());
    assertThatCode(call::cancel).as("a second cancel()").doesNotThrowAnyException();
    recorder.assertQuietFor(quietPeriod());
  }

  @Test
  void cancelAfterTheFinishChangesNothing() {
    ContractRecorder recorder = new ContractRecorder();
    LlmCall call = client.stream(answerRequest(), recorder);
    recorder.awaitTerminal(timeout());
    List<Callback> before = recorder.callbacks();

    assertThatCode(call::cancel).doesNotThrowAnyException();

    recorder.assertQuietFor(quietPeriod());
    assertThat(recorder.callbacks()).isEqualTo(before);
  }

  @Test
  void aHandlerThatThrowsFromOnTextGetsOnError() {
    ContractRecorder recorder = new ContractRecorder() {
      @Override
      void react(Callback callback) {
        if (callback.kind().equals("text")) {
          throw new IllegalStateException("a bug in the game's handler");
        }
      }
    };

    client.stream(answerRequest(), recorder);

    Callback terminal = recorder.awaitTerminal(timeout());
    assertThat(terminal.kind()).as("terminal callback %s", terminal).isEqualTo("error");
    List<String> answer = recorder.callbacks().stream().map(Callback::kind).filter(kind -> !kind.equals("reasoning")).toList();
    assertThat(answer).as("only the delta that threw comes before onError").containsExactly("text", "error");
    recorder.assertQuietFor(quietPeriod());
  }

  @Test
  void aFailureIsOneOnErrorWithAnLlmException() {
    LlmRequest failing = failingRequest();
    assumeThat(failing).as("failingRequest() is not overridden").isNotNull();
    ContractRecorder recorder = new ContractRecorder();

    client.stream(failing, recorder);

    Callback terminal = recorder.awaitTerminal(timeout());
    assertThat(terminal.kind()).as("terminal callback %s", terminal).isEqualTo("error");
    LlmException error = terminal.error();
    assertThat(error.getMessage()).as("the error's message, shown to the game").isNotBlank();
    assertThat(error.status()).as("the HTTP status, or 0").isNotNegative();
    assertThat(terminal.thread()).as("onError's thread").isNotSameAs(Thread.currentThread());
    recorder.assertQuietFor(quietPeriod());
  }

  @Test
  void oneClientServesManyStreamsAtOnce() {
    List<ContractRecorder> recorders = new ArrayList<>();
    for (int i = 0; i < CONCURRENT_STREAMS; i++) {
      ContractRecorder recorder = new ContractRecorder();
      recorders.add(recorder);
      client.stream(answerRequest(), recorder);
    }

    for (ContractRecorder recorder : recorders) {
      assertThat(recorder.awaitTerminal(timeout()).kind()).isEqualTo("complete");
      assertThat(recorder.text()).isNotEmpty();
      recorder.assertNoBreach();
    }
  }

  private void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the test never released the callback");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
