package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.content;
import static dev.gameagent.llm.internal.OpenAiTestSupport.finish;
import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many NPCs stream at once: nothing queues behind OkHttp's default per-host limit. */
class ConcurrentStreamsTest {
  private static final int STREAMS = 200;

  private final MockWebServer server = new MockWebServer();
  /** Counted down by each request as it reaches the server. */
  private final CountDownLatch allArrived = new CountDownLatch(STREAMS);
  /** Holds every stream open after its first token until the test has seen all of them open. */
  private final CountDownLatch finishStreams = new CountDownLatch(1);
  /** Response bodies the server has started to write. */
  private final List<SseBody> bodies = new CopyOnWriteArrayList<>();
  private OpenAiClient client;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        allArrived.countDown();
        // The first token goes out at once; the rest waits until the test has seen every stream open.
        SseBody body = new SseBody()
            .data(content("<speech>" + request.getConnectionIndex()))
            .waitFor(finishStreams)
            .data(content("</speech>"), finish("stop"), "[DONE]");
        bodies.add(body);
        return body.response();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    finishStreams.countDown();
    client.close();
    server.close();
  }

  @Test
  void twoHundredStreamsAreOpenAtTheSameMoment() throws Exception {
    client = OpenAiTestSupport.client(config(server).maxRetries(0).build());
    List<RecordingHandler> handlers = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      RecordingHandler h = new RecordingHandler();
      handlers.add(h);
      client.stream(request(), h);
    }

    assertThat(allArrived.await(120, TimeUnit.SECONDS)).as("all %d requests reached the server", STREAMS).isTrue();
    await().atMost(Duration.ofSeconds(120))
        .until(() -> handlers.stream().allMatch(h -> !h.text().isEmpty()));
    // Every stream has delivered a token and none can have finished: all 200 are open right now.
    assertThat(handlers).noneMatch(RecordingHandler::hasTerminal);
    assertThat(bodies).as("response bodies begun on the server").hasSize(STREAMS)
        .allMatch(b -> b.started.getCount() == 0);
    assertThat(client.http().dispatcher().runningCallsCount()).isEqualTo(STREAMS);
    assertThat(client.http().dispatcher().queuedCallsCount()).isZero();
    finishStreams.countDown();

    for (RecordingHandler h : handlers) {
      assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
      assertThat(h.text()).startsWith("<speech>").endsWith("</speech>");
      h.assertNoViolations();
    }
    assertThat(server.getRequestCount()).isEqualTo(STREAMS);
  }

  @Test
  void dispatcherAdmitsAThousandConcurrentStreamsPerHostByDefault() {
    client = OpenAiTestSupport.client(LlmConfig.builder().build());

    assertThat(client.http().dispatcher().getMaxRequestsPerHost()).isGreaterThanOrEqualTo(1000);
    assertThat(client.http().dispatcher().getMaxRequests()).isGreaterThanOrEqualTo(1000);
    assertThat(client.http().retryOnConnectionFailure()).isFalse();
  }
}
