package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.awaitIdle;
import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.content;
import static dev.gameagent.llm.internal.OpenAiTestSupport.finish;
import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LlmCall#cancel()}: the upstream closes at once and no callback follows its return. */
class OpenAiCancellationTest {
  private final MockWebServer server = new MockWebServer();
  private final List<SseBody> bodies = new ArrayList<>();
  private OpenAiClient client;

  @BeforeEach
  void start() throws Exception {
    server.start();
    client = OpenAiTestSupport.client(config(server).build());
  }

  @AfterEach
  void stop() {
    bodies.forEach(b -> b.release.countDown());
    client.close();
    server.close();
  }

  private SseBody body() {
    SseBody b = new SseBody();
    bodies.add(b);
    return b;
  }

  @Test
  void cancelMidStreamClosesTheSocketAndNothingFollows() throws Exception {
    SseBody b = body().data(content("<speech>Halt")).keepAliveUntilClosed();
    server.enqueue(b.response());
    RecordingHandler h = new RecordingHandler();

    LlmCall call = client.stream(request(), h);
    assertThat(h.awaitText()).isEqualTo("<speech>Halt");
    call.cancel();
    h.cancelled();

    assertThat(b.clientClosed.await(30, TimeUnit.SECONDS)).as("server saw the socket closed").isTrue();
    awaitIdle(client);
    assertThat(h.events()).extracting(Object::toString).containsExactly("text:<speech>Halt");
    h.assertNoViolations();
    call.cancel(); // idempotent
  }

  @Test
  void cancelBeforeTheResponseArrivesDeliversNothing() throws Exception {
    SseBody b = body().keepAliveUntilClosed();
    server.enqueue(b.response().newBuilder().headersDelay(200, TimeUnit.MILLISECONDS).build());
    RecordingHandler h = new RecordingHandler();

    LlmCall call = client.stream(request(), h);
    server.takeRequest(30, TimeUnit.SECONDS);
    call.cancel();
    h.cancelled();

    awaitIdle(client);
    assertThat(h.events()).isEmpty();
    h.assertNoViolations();
  }

  @Test
  void cancelDuringRetryBackoffStartsNoNewAttempt() throws Exception {
    client.close();
    client = OpenAiTestSupport.client(config(server).maxRetries(1).retryBaseDelay(Duration.ofSeconds(10)).build());
    ScheduledThreadPoolExecutor timer = (ScheduledThreadPoolExecutor) client.timer;
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    server.enqueue(new SseBody().data(content("<speech>too late</speech>"), finish("stop")).response());
    RecordingHandler h = new RecordingHandler();

    LlmCall call = client.stream(request(), h);
    server.takeRequest(30, TimeUnit.SECONDS);
    awaitIdle(client);
    assertThat(timer.getQueue()).as("the retry is scheduled").hasSize(1);
    call.cancel();
    h.cancelled();

    assertThat(timer.getQueue()).as("the retry is dropped").isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(h.events()).isEmpty();
    h.assertNoViolations();
  }

  @Test
  void cancelFromInsideACallbackStopsFurtherCallbacks() throws Exception {
    SseBody b = body().data(content("<speech>One"), content(" two"), content(" three")).keepAliveUntilClosed();
    server.enqueue(b.response());
    RecordingHandler h = new RecordingHandler();
    AtomicReference<LlmCall> self = new AtomicReference<>();
    List<String> texts = new ArrayList<>();

    LlmCall call = client.stream(request(), new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        texts.add(delta);
        while (self.get() == null) {
          Thread.onSpinWait();
        }
        self.get().cancel();
      }

      @Override
      public void onComplete(LlmCompletion completion) {
        h.onComplete(completion);
      }

      @Override
      public void onError(LlmException error) {
        h.onError(error);
      }
    });
    self.set(call);

    assertThat(b.clientClosed.await(30, TimeUnit.SECONDS)).isTrue();
    awaitIdle(client);
    assertThat(texts).containsExactly("<speech>One");
    assertThat(h.events()).isEmpty();
  }

  @Test
  void cancelAfterCompletionIsANoOp() {
    server.enqueue(new SseBody().data(content("<speech>Hi</speech>"), finish("stop"), "[DONE]").response());
    RecordingHandler h = new RecordingHandler();

    LlmCall call = client.stream(request(), h);
    h.awaitComplete();
    call.cancel();

    assertThat(h.events()).hasSize(2);
    h.assertNoViolations();
  }

  @Test
  void cancelRacingAFastStreamNeverLetsACallbackThrough() throws Exception {
    String[] chunks = new String[400];
    for (int i = 0; i < chunks.length; i++) {
      chunks[i] = content("t" + i + " ");
    }
    for (int round = 0; round < 25; round++) {
      server.enqueue(new SseBody().data(chunks).data(finish("stop"), "[DONE]").response());
      RecordingHandler h = new RecordingHandler();
      LlmCall call = client.stream(request(), h);
      h.awaitText();
      // Cancel while the I/O thread keeps delivering on its own thread.
      for (int spin = 0; spin < round * 200; spin++) {
        Thread.onSpinWait();
      }
      call.cancel();
      h.cancelled();
      awaitIdle(client);
      h.assertNoViolations();
    }
  }
}
