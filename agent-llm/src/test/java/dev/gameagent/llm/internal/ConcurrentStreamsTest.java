package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.content;
import static dev.gameagent.llm.internal.OpenAiTestSupport.finish;
import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
  private final CountDownLatch allOpen = new CountDownLatch(STREAMS);
  private OpenAiClient client;

  @BeforeEach
  void start() throws Exception {
    // No request is answered until every one of them has arrived: all are open at the same moment.
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        allOpen.countDown();
        if (!allOpen.await(120, TimeUnit.SECONDS)) {
          return new MockResponse.Builder().code(500).body("only " + (STREAMS - allOpen.getCount()) + " streams were open at once").build();
        }
        return new SseBody().data(content("<speech>" + request.getRequestLine().length() + "</speech>"), finish("stop"), "[DONE]").response();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    for (long i = allOpen.getCount(); i > 0; i--) {
      allOpen.countDown();
    }
    client.close();
    server.close();
  }

  @Test
  void twoHundredStreamsAreOpenAtTheSameMoment() {
    client = OpenAiTestSupport.client(config(server).maxRetries(0).build());
    List<RecordingHandler> handlers = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      RecordingHandler h = new RecordingHandler();
      handlers.add(h);
      client.stream(request(), h);
    }

    for (RecordingHandler h : handlers) {
      assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
      assertThat(h.text()).startsWith("<speech>");
      h.assertNoViolations();
    }
    assertThat(allOpen.getCount()).isZero();
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
