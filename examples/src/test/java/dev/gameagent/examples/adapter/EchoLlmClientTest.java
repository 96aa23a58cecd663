package dev.gameagent.examples.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OutputTag;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.ModelNotFoundException;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EchoLlmClientTest {
  private final EchoLlmClient client = new EchoLlmClient(Duration.ZERO);

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void providerIsFoundByServiceLoader() {
    List<LlmProvider> providers = ServiceLoader.load(LlmProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("echo"))
        .toList();

    assertThat(providers).singleElement().isInstanceOf(EchoLlmProvider.class);
    try (EchoLlmClient made = (EchoLlmClient) providers.get(0).create(LlmConfig.builder().build())) {
      assertThat(made.name()).isEqualTo("echo");
    }
  }

  @Test
  void providerPacesWordsLikeTheOfflineModel() {
    assertThat(EchoLlmProvider.delayPerWord(0)).isEqualTo(Duration.ZERO);
    assertThat(EchoLlmProvider.delayPerWord(40)).isEqualTo(Duration.ofMillis(25));
  }

  @Test
  void streamsTheEventTextWordByWordInOrderThenCompletes() {
    RecordingHandler handler = new RecordingHandler();

    client.stream(request("Good evening, guard!", null), handler);

    handler.awaitTerminal();
    assertThat(handler.trace).containsExactly(
        "text:<speech>", "text:You ", "text:said: ", "text:Good ", "text:evening, ", "text:guard!", "text:</speech>",
        "complete:stop");
    assertThat(handler.violations).isEmpty();
  }

  @Test
  void answersInTheSpecsFirstFreeTextTag() {
    AgentSpec spec = AgentSpec.builder("Brom")
        .outputTags(List.of(
            new OutputTag("mood", "", List.of("calm", "angry"), Map.of(), false),
            new OutputTag("gesture", "", List.of(), Map.of("name", List.of()), true),
            OutputTag.text("say", "Words spoken aloud")))
        .build();
    RecordingHandler handler = new RecordingHandler();

    client.stream(request("hi", spec), handler);

    handler.awaitTerminal();
    assertThat(handler.text()).isEqualTo("<say>You said: hi</say>");
  }

  @Test
  void escapesMarkupSoTheEchoStaysText() {
    RecordingHandler handler = new RecordingHandler();

    client.stream(request("5 < 6 & <speech>", null), handler);

    handler.awaitTerminal();
    assertThat(handler.text()).isEqualTo("<speech>You said: 5 &lt; 6 &amp; &lt;speech></speech>");
  }

  @Test
  void withoutAnEventEchoesTheLastUserMessage() {
    LlmRequest continuation = LlmRequest.builder()
        .addMessage(ChatMessage.system("You are Brom."))
        .addMessage(ChatMessage.user("first"))
        .addMessage(ChatMessage.assistant("<speech>ok</speech>"))
        .addMessage(ChatMessage.user("the tool said yes"))
        .build();
    RecordingHandler handler = new RecordingHandler();

    client.stream(continuation, handler);

    handler.awaitTerminal();
    assertThat(handler.text()).isEqualTo("<speech>You said: the tool said yes</speech>");
  }

  @Test
  void concurrentCallsEachStreamInOrder() {
    EchoLlmClient paced = new EchoLlmClient(Duration.ofMillis(1));
    try {
      List<RecordingHandler> handlers = List.of(new RecordingHandler(), new RecordingHandler(), new RecordingHandler());
      for (int i = 0; i < handlers.size(); i++) {
        paced.stream(request("call number " + i, null), handlers.get(i));
      }
      for (int i = 0; i < handlers.size(); i++) {
        handlers.get(i).awaitTerminal();
        assertThat(handlers.get(i).text()).isEqualTo("<speech>You said: call number " + i + "</speech>");
        assertThat(handlers.get(i).trace).last().isEqualTo("complete:stop");
        assertThat(handlers.get(i).violations).isEmpty();
      }
    } finally {
      paced.close();
    }
  }

  @Test
  void cancelWaitsForACallbackInProgressAndNothingFollowsIt() throws Exception {
    CountDownLatch inFirstText = new CountDownLatch(1);
    CountDownLatch releaseFirstText = new CountDownLatch(1);
    RecordingHandler handler = new RecordingHandler() {
      @Override
      void text(String delta) {
        if (delta.equals("<speech>")) {
          inFirstText.countDown();
          awaitLatch(releaseFirstText);
        }
      }
    };
    LlmCall call = client.stream(request("one two three", null), handler);
    assertThat(inFirstText.await(20, TimeUnit.SECONDS)).isTrue();

    AtomicBoolean cancelReturned = new AtomicBoolean();
    Thread canceller = new Thread(() -> {
      call.cancel();
      cancelReturned.set(true);
    }, "canceller");
    canceller.start();
    // cancel() must wait while the callback runs on the stream thread.
    await().atMost(Duration.ofSeconds(20)).until(() -> canceller.getState() == Thread.State.BLOCKED);
    assertThat(cancelReturned).isFalse();

    releaseFirstText.countDown();
    canceller.join(20_000);
    assertThat(cancelReturned).isTrue();
    drainStreamThread();

    assertThat(handler.trace).containsExactly("text:<speech>");
    assertThat(handler.violations).isEmpty();
  }

  @Test
  void cancelFromInsideACallbackStopsTheStream() {
    LlmCall[] call = new LlmCall[1];
    CountDownLatch started = new CountDownLatch(1);
    RecordingHandler handler = new RecordingHandler() {
      @Override
      void text(String delta) {
        awaitLatch(started);
        if (delta.equals("You ")) {
          call[0].cancel();
        }
      }
    };
    call[0] = client.stream(request("one two three", null), handler);
    started.countDown();

    await().atMost(Duration.ofSeconds(20)).until(() -> handler.trace.size() >= 2);
    drainStreamThread();

    assertThat(handler.trace).containsExactly("text:<speech>", "text:You ");
  }

  @Test
  void cancelAfterCompletionIsANoOp() {
    RecordingHandler handler = new RecordingHandler();
    LlmCall call = client.stream(request("hi", null), handler);
    handler.awaitTerminal();

    call.cancel();
    call.cancel();

    assertThat(handler.trace).last().isEqualTo("complete:stop");
    assertThat(handler.violations).isEmpty();
  }

  @Test
  void handlerThatThrowsFromOnTextEndsTheCallWithOnError() {
    RecordingHandler handler = new RecordingHandler() {
      @Override
      void text(String delta) {
        if (delta.equals("You ")) {
          throw new IllegalStateException("game crashed");
        }
      }
    };

    client.stream(request("one two", null), handler);

    handler.awaitTerminal();
    assertThat(handler.trace).containsExactly(
        "text:<speech>", "text:You ", "error:the stream handler failed in onText: IllegalStateException");
    assertThat(handler.violations).isEmpty();
  }

  @Test
  void closeEndsCallsInFlightWithOnErrorAndRefusesNewOnes() {
    EchoLlmClient slow = new EchoLlmClient(Duration.ofHours(1));
    RecordingHandler handler = new RecordingHandler();
    slow.stream(request("hi", null), handler);

    slow.close();

    handler.awaitTerminal();
    assertThat(handler.trace).containsExactly("error:the echo client was closed");
    assertThatThrownBy(() -> slow.stream(request("hi", null), new RecordingHandler()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("EchoLlmClient is closed");
  }

  @Test
  void aSpecNamingAnotherModelFailsWithModelNotFoundOnTheStreamThread() {
    CompletableFuture<LlmException> error = new CompletableFuture<>();
    CompletableFuture<Thread> errorThread = new CompletableFuture<>();
    LlmRequest forGpt = request("hi", null).newBuilder().model("gpt-4o").build();

    client.stream(forGpt, new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        error.completeExceptionally(new AssertionError("text before the failure: " + delta));
      }

      @Override
      public void onComplete(LlmCompletion completion) {
        error.completeExceptionally(new AssertionError("completed: " + completion));
      }

      @Override
      public void onError(LlmException e) {
        errorThread.complete(Thread.currentThread());
        error.complete(e);
      }
    });

    assertThat(error).succeedsWithin(Duration.ofSeconds(20)).isInstanceOfSatisfying(ModelNotFoundException.class, e -> {
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).isEqualTo("the echo adapter serves only the model 'echo', not 'gpt-4o'");
    });
    assertThat(errorThread.join()).isNotSameAs(Thread.currentThread());
  }

  @Test
  void aSpecNamingTheEchoModelIsServed() {
    RecordingHandler handler = new RecordingHandler();

    client.stream(request("hi", null).newBuilder().model("echo").build(), handler);

    handler.awaitTerminal();
    assertThat(handler.trace).last().isEqualTo("complete:stop");
  }

  @Test
  void completionReportsUsageAsPromptWordsAndStreamedPieces() {
    CompletableFuture<LlmCompletion> done = new CompletableFuture<>();

    // Prompt: "You are Brom." and "player: one two" are 6 words; the answer is 5 pieces.
    client.stream(request("one two", null), new LlmStreamHandler() {
      @Override
      public void onComplete(LlmCompletion completion) {
        done.complete(completion);
      }

      @Override
      public void onError(LlmException e) {
        done.completeExceptionally(e);
      }
    });

    assertThat(done).succeedsWithin(Duration.ofSeconds(20))
        .isEqualTo(new LlmCompletion("stop", new Usage(6, 6)));
  }

  @Test
  void rejectsANegativeDelay() {
    assertThatThrownBy(() -> new EchoLlmClient(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delayPerWord");
  }

  /**
   * Waits until every step already queued on the client's single stream thread has run: a new call
   * scheduled now completes after them (zero delays run in the order they were scheduled).
   */
  private void drainStreamThread() {
    RecordingHandler barrier = new RecordingHandler();
    client.stream(request("barrier", null), barrier);
    barrier.awaitTerminal();
  }

  static LlmRequest request(String text, AgentSpec spec) {
    LlmRequest.Builder b = LlmRequest.builder()
        .addMessage(ChatMessage.system("You are Brom."))
        .addMessage(ChatMessage.user("player: " + text))
        .option(LlmRequest.OPTION_ACTIVE_EVENT, InteractionEvent.of("e-1", "player", text));
    if (spec != null) {
      b.option(LlmRequest.OPTION_AGENT_SPEC, spec);
    }
    return b.build();
  }

  static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released within 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
