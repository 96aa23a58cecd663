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
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed answers one after another over one keep-alive connection: a finished stream hands its
 * connection back clean, so the next call on it gets its answer at the first attempt; a cancelled
 * stream never hands back its connection; and a pooled connection that fails before any byte of the
 * response is never resent silently by OkHttp.
 */
class OpenAiConnectionReuseTest {
  private final MockWebServer server = new MockWebServer();
  private final List<SseBody> bodies = new ArrayList<>();
  private OpenAiClient client;

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    bodies.forEach(b -> b.release.countDown());
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private OpenAiClient client(LlmConfig config) {
    client = OpenAiTestSupport.client(config);
    return client;
  }

  /** Streams one request and waits until OkHttp released its connection. */
  private RecordingHandler streamToEnd() {
    RecordingHandler h = new RecordingHandler();
    client.stream(request(), h);
    h.awaitTerminal();
    awaitIdle(client);
    return h;
  }

  private static RecordingHandler.Event last(RecordingHandler h) {
    List<RecordingHandler.Event> events = h.events();
    return events.get(events.size() - 1);
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(30, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the server").isNotNull();
    return r;
  }

  @Test
  void consecutiveStreamsShareOneKeepAliveConnection() throws Exception {
    client(config(server).maxRetries(2).build());
    server.enqueue(new SseBody().data(content("<speech>One</speech>"), finish("stop"), "[DONE]").response());
    server.enqueue(new SseBody().data(content("<speech>Two</speech>"), finish("stop")).response());
    server.enqueue(new SseBody().data(content("<speech>Three</speech>"), finish("stop")).raw("data: [DONE]\n").response());
    server.enqueue(new SseBody().data(content("<speech>Four</speech>"), finish("length"), "[DONE]").response());

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RecordingHandler h = streamToEnd();
      assertThat(last(h).kind()).as("call %d: %s", i, h.events()).isEqualTo("complete");
      answers.add(h.text());
      h.assertNoViolations();
    }

    assertThat(answers).containsExactly("<speech>One</speech>", "<speech>Two</speech>", "<speech>Three</speech>", "<speech>Four</speech>");
    assertThat(server.getRequestCount()).as("no call was retried").isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      RecordedRequest r = take();
      assertThat(r.getConnectionIndex()).as("request %d", i).isZero();
      assertThat(r.getExchangeIndex()).as("request %d", i).isEqualTo(i);
    }
  }

  @Test
  void finishedStreamLeavesNoTimerBehind() {
    client(config(server).build());
    server.enqueue(new SseBody().data(content("<speech>Hi</speech>"), finish("stop"), "[DONE]").response());

    RecordingHandler h = streamToEnd();

    assertThat(last(h).kind()).isEqualTo("complete");
    assertThat(((ScheduledThreadPoolExecutor) client.timer).getQueue()).as("timers of a finished stream").isEmpty();
  }

  @Test
  void streamHeldOpenAfterDoneIsClosedAndItsConnectionIsNotReused() throws Exception {
    client(config(server).build());
    SseBody held = new SseBody().data(content("<speech>Hi</speech>"), finish("stop"), "[DONE]").keepAliveUntilClosed();
    bodies.add(held);
    server.enqueue(held.response());
    server.enqueue(new SseBody().data(content("<speech>Next</speech>"), finish("stop"), "[DONE]").response());

    RecordingHandler h = new RecordingHandler();
    client.stream(request(), h);
    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
    assertThat(held.clientClosed.await(30, TimeUnit.SECONDS)).as("the client closed the stream after [DONE]").isTrue();
    awaitIdle(client);
    RecordingHandler next = streamToEnd();

    assertThat(h.events()).extracting(Object::toString).containsExactly("text:<speech>Hi</speech>",
        "complete:LlmCompletion[finishReason=stop, usage=null]");
    h.assertNoViolations();
    assertThat(next.text()).isEqualTo("<speech>Next</speech>");
    assertThat(List.of(take(), take())).extracting(RecordedRequest::getConnectionIndex).containsExactly(0, 1);
  }

  @Test
  void cancelledStreamDropsItsConnectionAndTheNextCallsSucceedAtOnce() throws Exception {
    client(config(server).maxRetries(2).build());
    SseBody open = new SseBody().data(content("<speech>Long")).keepAliveUntilClosed();
    bodies.add(open);
    server.enqueue(new SseBody().data(content("<speech>Before</speech>"), finish("stop"), "[DONE]").response());
    server.enqueue(open.response());
    server.enqueue(new SseBody().data(content("<speech>After</speech>"), finish("stop"), "[DONE]").response());
    server.enqueue(new SseBody().data(content("<speech>Again</speech>"), finish("stop")).response());

    assertThat(streamToEnd().text()).isEqualTo("<speech>Before</speech>");
    RecordingHandler cancelled = new RecordingHandler();
    LlmCall call = client.stream(request(), cancelled);
    assertThat(cancelled.awaitText()).isEqualTo("<speech>Long");
    call.cancel();
    cancelled.cancelled();
    assertThat(open.clientClosed.await(30, TimeUnit.SECONDS)).as("server saw the socket closed").isTrue();
    awaitIdle(client);
    RecordingHandler after = streamToEnd();
    RecordingHandler again = streamToEnd();

    assertThat(last(after).kind()).isEqualTo("complete");
    assertThat(after.text()).isEqualTo("<speech>After</speech>");
    assertThat(again.text()).isEqualTo("<speech>Again</speech>");
    cancelled.assertNoViolations();
    after.assertNoViolations();
    again.assertNoViolations();
    assertThat(server.getRequestCount()).as("no call was retried").isEqualTo(4);
    List<RecordedRequest> requests = List.of(take(), take(), take(), take());
    assertThat(requests).extracting(RecordedRequest::getConnectionIndex).as("the cancelled connection is not reused")
        .containsExactly(0, 0, 1, 1);
    assertThat(requests).extracting(RecordedRequest::getExchangeIndex).containsExactly(0, 1, 0, 1);
  }

  @Test
  void pooledConnectionFailingBeforeAnyByteIsNotResentByOkHttp() throws Exception {
    client(config(server).maxRetries(0).build());
    server.enqueue(new SseBody().data(content("<speech>First</speech>"), finish("stop"), "[DONE]").response());
    // The server reads the second request on the pooled connection, then drops it without a byte.
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(new SseBody().data(content("<speech>Resent</speech>"), finish("stop")).response());

    assertThat(streamToEnd().text()).isEqualTo("<speech>First</speech>");
    RecordingHandler h = new RecordingHandler();
    client.stream(request(), h);
    LlmException e = h.awaitError();
    awaitIdle(client);

    assertThat(e).isInstanceOf(ServerErrorException.class).hasMessageContaining("connection to the provider failed");
    assertThat(e.retryable()).isTrue();
    assertThat(server.getRequestCount()).as("the POST was sent once, on the pooled connection").isEqualTo(2);
    assertThat(take().getConnectionIndex()).isZero();
    RecordedRequest second = take();
    assertThat(second.getConnectionIndex()).isZero();
    assertThat(second.getExchangeIndex()).isEqualTo(1);
  }

  @Test
  void pooledConnectionFailingBeforeAnyByteIsRetriedByOurPolicyOnAFreshConnection() throws Exception {
    client(config(server).maxRetries(1).build());
    server.enqueue(new SseBody().data(content("<speech>First</speech>"), finish("stop"), "[DONE]").response());
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(new SseBody().data(content("<speech>Second</speech>"), finish("stop"), "[DONE]").response());

    assertThat(streamToEnd().text()).isEqualTo("<speech>First</speech>");
    RecordingHandler h = streamToEnd();

    assertThat(last(h).completion()).isEqualTo(new LlmCompletion("stop", null));
    assertThat(h.text()).isEqualTo("<speech>Second</speech>");
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(List.of(take(), take(), take())).extracting(RecordedRequest::getConnectionIndex).containsExactly(0, 0, 1);
  }
}
