package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.content;
import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import mockwebserver3.MockWebServer;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;

/**
 * What a client holds and gives back: {@code close()} ends the calls in flight with no further
 * callback and stops the client's threads; the offline model serves many streams from a few
 * threads.
 */
class ClientResourcesTest {

  /** Starts {@code count} streams of the same request on {@code client}; returns their handlers, in order. */
  private static List<RecordingHandler> streams(OfflineClient client, int count) {
    List<RecordingHandler> handlers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RecordingHandler h = new RecordingHandler();
      handlers.add(h);
      client.stream(request(), h);
    }
    return handlers;
  }

  /** Live threads whose name starts with {@code prefix}. */
  private static Set<Thread> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .collect(Collectors.toSet());
  }

  @Test
  void openAiCloseEndsCallsInFlightSilentlyAndStopsItsThreads() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      Set<Thread> before = threads("gameagent-llm-");
      OpenAiClient client = OpenAiTestSupport.client(config(server).build());
      List<SseBody> bodies = new ArrayList<>();
      List<RecordingHandler> handlers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SseBody b = new SseBody().data(content("<speech>Still talking")).keepAliveUntilClosed();
        bodies.add(b);
        server.enqueue(b.response());
        RecordingHandler h = new RecordingHandler();
        handlers.add(h);
        client.stream(request(), h);
      }
      for (RecordingHandler h : handlers) {
        h.awaitText();
      }
      Set<Thread> mine = threads("gameagent-llm-");
      mine.removeAll(before);
      assertThat(mine).as("the client's own I/O and timer threads").isNotEmpty();

      client.close();
      handlers.forEach(RecordingHandler::cancelled);

      for (SseBody b : bodies) {
        assertThat(b.clientClosed.await(30, TimeUnit.SECONDS)).as("server saw the stream closed").isTrue();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> mine.stream().noneMatch(Thread::isAlive));
      assertThat(client.http().dispatcher().runningCallsCount()).isZero();
      assertThat(client.http().connectionPool().connectionCount()).isZero();
      for (RecordingHandler h : handlers) {
        assertThat(h.hasTerminal()).isFalse();
        h.assertNoViolations();
      }
      assertThatThrownBy(() -> client.stream(request(), new RecordingHandler()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      client.close(); // idempotent
    }
  }

  @Test
  void openAiCallStartingAsTheClientClosesFailsAtOnceOnTheCallersThread() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      // With a first-token deadline the timer refuses the attempt; without one, OkHttp's dispatcher does.
      for (Duration firstToken : List.of(Duration.ofSeconds(30), Duration.ZERO)) {
        OpenAiClient client = OpenAiTestSupport.client(config(server).firstTokenTimeout(firstToken).build());
        client.close();
        List<String> seen = new ArrayList<>();
        LlmStreamHandler handler = new LlmStreamHandler() {
          @Override
          public void onComplete(LlmCompletion completion) {
            seen.add("complete");
          }

          @Override
          public void onError(LlmException error) {
            seen.add(Thread.currentThread().getName() + ": " + error.getMessage() + " retryable=" + error.retryable());
          }
        };
        Request http = new Request.Builder().url(server.url("/v1/chat/completions"))
            .post(RequestBody.create(new byte[0], null)).build();

        // What stream() does when close() runs between its closed check and the call's start.
        new OpenAiCall(client, http, handler, "m").start();

        assertThat(seen).as("first-token deadline %s", firstToken)
            .containsExactly(Thread.currentThread().getName() + ": the openai client is closed retryable=false");
      }
      assertThat(server.getRequestCount()).isZero();
    }
  }

  /**
   * A cancel from elsewhere (the engine ending the turn) while a callback runs must not take the
   * call out of the client's calls in flight before the callback returned, or a {@code close()}
   * at that moment would not wait for it.
   */
  @Test
  void offlineCloseWaitsForACallbackInProgressOfACallBeingCancelledElsewhere() throws Exception {
    OfflineClient client = new OfflineClient(LlmConfig.builder().offlineTokensPerSecond(0).build());
    CountDownLatch inText = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean textReturned = new AtomicBoolean();
    LlmStreamHandler handler = new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        inText.countDown();
        boolean interrupted = false;
        while (release.getCount() > 0) {
          try {
            release.await();
          } catch (InterruptedException e) {
            interrupted = true; // close() interrupts the offline threads; the callback still finishes
          }
        }
        textReturned.set(true);
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void onComplete(LlmCompletion completion) {}

      @Override
      public void onError(LlmException error) {}
    };
    OfflineCall call = (OfflineCall) client.stream(request(), handler);
    assertThat(inText.await(30, TimeUnit.SECONDS)).isTrue();
    Thread canceller = new Thread(call::cancel);
    canceller.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> call.lock.hasQueuedThread(canceller));
    AtomicBoolean closeReturned = new AtomicBoolean();
    Thread closer = new Thread(() -> {
      client.close();
      closeReturned.set(true);
    });
    closer.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> closeReturned.get() || call.lock.hasQueuedThread(closer));
    boolean returnedDuringCallback = closeReturned.get();
    release.countDown();
    canceller.join(30_000);
    closer.join(30_000);

    assertThat(returnedDuringCallback).as("close() returned while onText was still running").isFalse();
    assertThat(closeReturned).isTrue();
    assertThat(textReturned).isTrue();
  }

  @Test
  void offlineStreamsShareAFewThreadsAndCloseEndsThemSilently() {
    Set<Thread> before = threads("gameagent-llm-offline");
    OfflineClient client = new OfflineClient(LlmConfig.builder().offlineTokensPerSecond(5).build());
    List<RecordingHandler> handlers = streams(client, 300);

    await().atMost(Duration.ofSeconds(60)).until(() -> handlers.stream().allMatch(h -> !h.text().isEmpty()));
    assertThat(handlers).as("all 300 streams open at once").noneMatch(RecordingHandler::hasTerminal);
    Set<Thread> mine = threads("gameagent-llm-offline");
    mine.removeAll(before);
    assertThat(mine).as("threads serving 300 streams").isNotEmpty().hasSizeLessThanOrEqualTo(8);

    client.close();
    handlers.forEach(RecordingHandler::cancelled);

    await().atMost(Duration.ofSeconds(30)).until(() -> mine.stream().noneMatch(Thread::isAlive));
    handlers.forEach(RecordingHandler::assertNoViolations);
  }

  @Test
  void offlineCloseWhileStreamsRunFlatOutDeliversNothingAfterItReturns() {
    for (int round = 0; round < 20; round++) {
      OfflineClient client = new OfflineClient(LlmConfig.builder().offlineTokensPerSecond(0).build());
      List<RecordingHandler> handlers = streams(client, 20);
      handlers.get(0).awaitText();

      client.close();
      handlers.forEach(RecordingHandler::cancelled);

      await().atMost(Duration.ofSeconds(30)).until(() -> client.scheduler().isTerminated());
      handlers.forEach(RecordingHandler::assertNoViolations);
    }
  }

  @Test
  void offlineCancelRacingAFastStreamNeverLetsACallbackThrough() {
    OfflineClient client = new OfflineClient(LlmConfig.builder().offlineTokensPerSecond(0).build());
    List<RecordingHandler> handlers = new ArrayList<>();
    try {
      for (int round = 0; round < 200; round++) {
        RecordingHandler h = new RecordingHandler();
        handlers.add(h);
        LlmCall call = client.stream(request(), h);
        for (int spin = 0; spin < round * 50; spin++) {
          Thread.onSpinWait();
        }
        call.cancel();
        h.cancelled();
      }
      await().atMost(Duration.ofSeconds(30))
          .until(() -> client.scheduler().getQueue().isEmpty() && client.scheduler().getActiveCount() == 0);
      handlers.forEach(RecordingHandler::assertNoViolations);
    } finally {
      client.close();
    }
  }
}
