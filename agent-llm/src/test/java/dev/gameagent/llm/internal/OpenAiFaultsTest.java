package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.KEY;
import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.content;
import static dev.gameagent.llm.internal.OpenAiTestSupport.finish;
import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.AuthenticationException;
import dev.gameagent.core.llm.BadResponseException;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.LlmTimeoutException;
import dev.gameagent.core.llm.ModelNotFoundException;
import dev.gameagent.core.llm.RateLimitedException;
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LogCapture;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every failure a streaming provider has, against a MockWebServer, and what the handler sees. */
class OpenAiFaultsTest {
  private final MockWebServer server = new MockWebServer();
  private final List<OpenAiClient> clients = new ArrayList<>();
  private final List<SseBody> bodies = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    bodies.forEach(b -> b.release.countDown());
    clients.forEach(OpenAiClient::close);
    server.close();
  }

  private RecordingHandler stream(LlmConfig config) {
    OpenAiClient client = OpenAiTestSupport.client(config);
    clients.add(client);
    RecordingHandler handler = new RecordingHandler();
    client.stream(request(), handler);
    return handler;
  }

  private RecordingHandler stream() {
    return stream(config(server).build());
  }

  private SseBody body() {
    SseBody b = new SseBody();
    bodies.add(b);
    return b;
  }

  private static MockResponse status(int code, String contentType, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", contentType).body(body).build();
  }

  private static SseBody ok(String text) {
    return new SseBody().data(content(text), finish("stop"), "[DONE]");
  }

  @Test
  void unauthorizedWithJsonBodyNamesTheProviderMessageButNeverTheKey() {
    server.enqueue(status(401, "application/json",
        "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ". You can find your API key at https://platform.openai.com.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));

    LlmException e = stream().awaitError();

    assertThat(e).isInstanceOf(AuthenticationException.class).hasMessageContaining("Incorrect API key provided");
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("SECRET");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void notFoundWithTextBodyIsModelNotFound() {
    server.enqueue(status(404, "text/plain", "404 page not found"));

    LlmException e = stream().awaitError();

    assertThat(e).isInstanceOf(ModelNotFoundException.class).hasMessageContaining("404 page not found");
    assertThat(e.status()).isEqualTo(404);
  }

  @Test
  void longErrorBodiesAreTruncated() {
    server.enqueue(status(400, "text/html", "<html>" + "x".repeat(5000) + "</html>"));

    LlmException e = stream().awaitError();

    assertThat(e.getMessage().length()).isLessThan(ErrorMapper.MAX_DETAIL + 100);
    assertThat(e.status()).isEqualTo(400);
  }

  @Test
  void rateLimitedThenSuccessRetriesAfterTheRequestedWait() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("retry-after-ms", "20")
        .setHeader("Content-Type", "application/json")
        .body("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}").build());
    server.enqueue(ok("<speech>Hi</speech>").response());

    try (LogCapture logs = new LogCapture()) {
      RecordingHandler h = stream();

      assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
      assertThat(h.text()).isEqualTo("<speech>Hi</speech>");
      assertThat(server.getRequestCount()).isEqualTo(2);
      h.assertNoViolations();
      assertThat(logs.lines()).as("the retry waited the retry-after-ms, not the 1 ms backoff")
          .anyMatch(l -> l.contains("HTTP 429") && l.contains("retry 1 of 2 in 20 ms"));
    }
  }

  @Test
  void rateLimitedWithRetryAfterSecondsThenSuccessWaitsAsAsked() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").body("Too Many Requests").build());
    server.enqueue(ok("<speech>Patient</speech>").response());

    try (LogCapture logs = new LogCapture()) {
      RecordingHandler h = stream();

      assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
      assertThat(h.text()).isEqualTo("<speech>Patient</speech>");
      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(logs.lines()).as("the retry waited the Retry-After, not the 1 ms backoff")
          .anyMatch(l -> l.contains("HTTP 429") && l.contains("retry 1 of 2 in 1000 ms"));
    }
  }

  @Test
  void retryAfterLongerThanTheMaximumFailsInsteadOfWaiting() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "120").body("slow down").build());
    server.enqueue(ok("<speech>never</speech>").response());

    LlmException e = stream(config(server).retryMaxDelay(Duration.ofSeconds(5)).build()).awaitError();

    assertThat(e).isInstanceOf(RateLimitedException.class);
    assertThat(((RateLimitedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(120));
    assertThat(e.retryable()).isTrue();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void serverErrorThenSuccessIsRetried() {
    server.enqueue(status(500, "application/json", "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"));
    server.enqueue(status(503, "text/plain", "upstream unavailable"));
    server.enqueue(ok("<speech>Back</speech>").response());

    RecordingHandler h = stream();

    assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
    assertThat(h.text()).isEqualTo("<speech>Back</speech>");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void retriesAreBounded() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(status(502, "text/plain", "bad gateway " + i));
    }

    LlmException e = stream(config(server).maxRetries(2).build()).awaitError();

    assertThat(e).isInstanceOf(ServerErrorException.class).hasMessageContaining("bad gateway 2");
    assertThat(e.status()).isEqualTo(502);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void serverErrorAfterTheFirstTokenIsNotRetried() {
    server.enqueue(body().data(content("<speech>Hal"), "{\"error\":{\"message\":\"Internal error\",\"code\":500}}").response());
    server.enqueue(ok("<speech>second attempt</speech>").response());

    RecordingHandler h = stream();
    LlmException e = h.awaitError();

    assertThat(e).isInstanceOf(ServerErrorException.class).hasMessageContaining("Internal error");
    assertThat(e.status()).isEqualTo(500);
    assertThat(h.text()).isEqualTo("<speech>Hal");
    assertThat(server.getRequestCount()).isEqualTo(1);
    h.assertNoViolations();
  }

  @Test
  void stallBeforeTheFirstTokenHitsTheFirstTokenDeadline() throws Exception {
    SseBody stalled = body().raw(": connected\n\n").stall();
    server.enqueue(stalled.response());

    RecordingHandler h = stream(config(server).firstTokenTimeout(Duration.ofMillis(300)).maxRetries(0).build());
    LlmException e = h.awaitError();

    assertThat(e).isInstanceOf(LlmTimeoutException.class).hasMessageContaining("first token");
    assertThat(e.retryable()).isTrue();
    assertThat(h.events()).hasSize(1);
  }

  @Test
  void firstTokenDeadlineIsRetriedWithAFreshAttempt() {
    server.enqueue(body().stall().response());
    server.enqueue(ok("<speech>Late but here</speech>").response());

    // Generous, so that the second attempt beats it even on a loaded machine (2 s did not always).
    RecordingHandler h = stream(config(server).firstTokenTimeout(Duration.ofSeconds(5)).maxRetries(1).build());

    assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
    assertThat(h.text()).isEqualTo("<speech>Late but here</speech>");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void stallMidStreamHitsTheIdleTimeoutAndIsNotRetried() {
    server.enqueue(body().data(content("<speech>Wait")).stall().response());
    server.enqueue(ok("<speech>never</speech>").response());

    // The idle timeout is also the socket read timeout: long enough that the response and its first
    // token, which must beat it, do so on a loaded machine too.
    RecordingHandler h = stream(config(server).firstTokenTimeout(Duration.ZERO).idleTimeout(Duration.ofSeconds(2)).build());
    LlmException e = h.awaitError();

    assertThat(e).isInstanceOf(LlmTimeoutException.class).hasMessageContaining("sent nothing for 2000 ms");
    assertThat(h.text()).isEqualTo("<speech>Wait");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void keepAlivesAloneAfterTheFirstTokenHitTheIdleTimeout() throws Exception {
    SseBody b = body().data(content("<speech>Hm")).keepAliveUntilClosed();
    server.enqueue(b.response());

    // Long enough that the response and its first token (read under the same timeout) beat it on a loaded machine.
    RecordingHandler h = stream(config(server).firstTokenTimeout(Duration.ZERO).idleTimeout(Duration.ofSeconds(2)).build());
    LlmException e = h.awaitError();

    assertThat(e).isInstanceOf(LlmTimeoutException.class).hasMessageContaining("sent nothing for 2000 ms");
    assertThat(h.text()).isEqualTo("<speech>Hm");
    assertThat(b.clientClosed.await(30, TimeUnit.SECONDS)).as("the stream was closed").isTrue();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aHandlerSlowerThanTheIdleTimeoutIsNotTimedOut() {
    server.enqueue(body().data(content("<speech>Slow"), content(" but sure</speech>"), finish("stop"), "[DONE]").response());
    // The provider's side must beat the idle timeout (the response and each event, read as they come),
    // so it is not tiny: a loaded machine can pause a thread for a few hundred ms.
    OpenAiClient client = OpenAiTestSupport.client(config(server).firstTokenTimeout(Duration.ZERO).idleTimeout(Duration.ofSeconds(1)).build());
    clients.add(client);
    RecordingHandler recorder = new RecordingHandler();
    client.stream(request(), new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        try {
          // The behaviour under test, not a wait for it: the game is busy for two idle timeouts
          // while the provider has sent everything.
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
        recorder.onText(delta);
      }

      @Override
      public void onComplete(LlmCompletion completion) {
        recorder.onComplete(completion);
      }

      @Override
      public void onError(LlmException error) {
        recorder.onError(error);
      }
    });

    assertThat(recorder.awaitComplete().finishReason()).isEqualTo("stop");
    assertThat(recorder.text()).isEqualTo("<speech>Slow but sure</speech>");
  }

  @Test
  void disconnectMidBodyAfterATokenFailsWithoutRetry() {
    server.enqueue(body().data(content("<speech>Half")).disconnect().response());
    server.enqueue(ok("<speech>never</speech>").response());

    RecordingHandler h = stream();
    LlmException e = h.awaitError();

    assertThat(e).isInstanceOf(ServerErrorException.class).hasMessageContaining("connection to the provider failed");
    assertThat(e.retryable()).isTrue();
    assertThat(h.text()).isEqualTo("<speech>Half");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void disconnectAfterTheFinishReasonIsStillAComplete() {
    server.enqueue(body().data(content("<speech>Done</speech>"), finish("stop")).disconnect().response());

    RecordingHandler h = stream();

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
  }

  @Test
  void disconnectBeforeAnyTokenIsRetried() {
    server.enqueue(body().raw(": hi\n\n").disconnect().response());
    server.enqueue(ok("<speech>Again</speech>").response());

    RecordingHandler h = stream();

    assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
    assertThat(h.text()).isEqualTo("<speech>Again</speech>");
  }

  @Test
  void malformedJsonLineIsABadResponse() {
    server.enqueue(body().data(content("<speech>A"), "{\"choices\":[{\"delta\":{\"content\":\"oops\"").raw(": more\n\n").stall().response());

    RecordingHandler h = stream();
    LlmException e = h.awaitError();

    assertThat(e).isInstanceOf(BadResponseException.class).hasMessageContaining("malformed stream chunk");
    assertThat(e.retryable()).isFalse();
    assertThat(h.text()).isEqualTo("<speech>A");
  }

  @Test
  void emptyStreamIsABadResponse() {
    server.enqueue(new SseBody().response());

    LlmException e = stream().awaitError();

    assertThat(e).isInstanceOf(BadResponseException.class).hasMessageContaining("closed the stream before it finished");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void streamEndingWithoutFinishReasonAfterTextIsABadResponse() {
    server.enqueue(new SseBody().data(content("<speech>Trunc")).response());

    RecordingHandler h = stream();
    LlmException e = h.awaitError();

    assertThat(e).isInstanceOf(BadResponseException.class).hasMessageContaining("after part of the answer");
    assertThat(h.text()).isEqualTo("<speech>Trunc");
  }

  @Test
  void doneWithoutFinishReasonCompletesWithStop() {
    server.enqueue(new SseBody().data(content("<speech>Ok</speech>"), "[DONE]").response());

    assertThat(stream().awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
  }

  @Test
  void wrongContentTypeIsABadResponseNamingIt() {
    server.enqueue(status(200, "text/html", "<html><body>Welcome to nginx!</body></html>"));

    LlmException e = stream().awaitError();

    assertThat(e).isInstanceOf(BadResponseException.class)
        .hasMessageContaining("text/html")
        .hasMessageContaining("Welcome to nginx!")
        .hasMessageNotContaining("<body>");
    assertThat(e.status()).isEqualTo(200);
  }

  @Test
  void jsonErrorObjectInsteadOfAStreamIsMapped() {
    server.enqueue(status(200, "application/json", "{\"object\":\"error\",\"message\":\"model 'x' does not exist\",\"type\":\"NotFoundError\",\"code\":404}"));

    LlmException e = stream().awaitError();

    assertThat(e).isInstanceOf(ModelNotFoundException.class).hasMessageContaining("does not exist");
  }

  @Test
  void errorObjectInsideA200StreamBeforeAnyToken() {
    server.enqueue(new SseBody().data("{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\",\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}").response());

    LlmException e = stream().awaitError();

    assertThat(e).isInstanceOf(dev.gameagent.core.llm.InvalidRequestException.class).hasMessageContaining("maximum context length");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void unreachableProviderIsAServerErrorAfterRetries() throws Exception {
    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/v1").toString();
    closed.close();

    LlmException e = stream(config(server).baseUrl(url).maxRetries(1).build()).awaitError();

    assertThat(e).isInstanceOf(ServerErrorException.class).hasMessageContaining("connection to the provider failed");
    assertThat(e.status()).isZero();
  }

  @Test
  void handlerThrowingFromOnTextEndsTheCallWithOnErrorAndClosesTheStream() throws Exception {
    SseBody b = body().data(content("<speech>A"), content("B")).keepAliveUntilClosed();
    server.enqueue(b.response());
    OpenAiClient client = OpenAiTestSupport.client(config(server).build());
    clients.add(client);
    RecordingHandler recorder = new RecordingHandler();
    List<String> texts = new ArrayList<>();
    client.stream(request(), new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        texts.add(delta);
        throw new IllegalStateException("game bug");
      }

      @Override
      public void onComplete(LlmCompletion completion) {
        recorder.onComplete(completion);
      }

      @Override
      public void onError(LlmException error) {
        recorder.onError(error);
        throw new IllegalStateException("onError throws too");
      }
    });

    LlmException e = recorder.awaitError();

    assertThat(e).hasMessageContaining("onText").hasCauseInstanceOf(IllegalStateException.class);
    assertThat(texts).containsExactly("<speech>A");
    assertThat(b.clientClosed.await(30, TimeUnit.SECONDS)).isTrue();
    recorder.assertNoViolations();
  }
}
