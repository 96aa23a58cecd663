package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.awaitIdle;
import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.content;
import static dev.gameagent.llm.internal.OpenAiTestSupport.finish;
import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams whose lines end in a bare CR or in CRLF, delivered in pieces cut at line ends. OkHttp
 * 5.5.1's SSE reader alone spins forever on a stream that ends in a bare CR and reads
 * {@code event:} lines up to an LF only; each test waits a bounded time, so a regression fails
 * instead of hanging, and cancels its call afterwards.
 */
class OpenAiLineEndsTest {
  private static final Duration TURN = Duration.ofSeconds(10);

  private final MockWebServer server = new MockWebServer();
  private final List<LlmCall> calls = new ArrayList<>();
  private OpenAiClient client;

  @BeforeEach
  void start() throws Exception {
    server.start();
    client = OpenAiTestSupport.client(config(server).build());
  }

  @AfterEach
  void stop() {
    calls.forEach(LlmCall::cancel);
    client.close();
    server.close();
  }

  /** Streams {@code body} and waits a bounded time for the turn to end. */
  private RecordingHandler turn(SseBody body) {
    server.enqueue(body.response());
    RecordingHandler h = new RecordingHandler();
    calls.add(client.stream(request(), h));
    await().atMost(TURN).until(h::hasTerminal);
    return h;
  }

  @Test
  void bareCrStreamInPiecesSplitAtEachCrCompletesWithItsText() {
    SseBody body = new SseBody()
        .raw("data: " + content("<speech>Hi") + "\r")
        .raw("\r")
        .raw("data: " + content(" there</speech>") + "\r\r")
        .raw("data: " + finish("stop") + "\r")
        .raw("\rdata: [DONE]\r")
        .raw("\r");

    RecordingHandler h = turn(body);

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
    assertThat(h.text()).isEqualTo("<speech>Hi there</speech>");
    h.assertNoViolations();
    awaitIdle(client);
  }

  @Test
  void bareCrEndsTheEventIdAndRetryFieldsToo() {
    SseBody body = new SseBody()
        .raw(": keep-alive\r\r")
        .raw("event: message\rdata: " + content("<speech>Bye</speech>") + "\r\r")
        .raw("id: 7\rretry: 100\rdata: " + finish("stop") + "\r")
        .raw("\r");

    RecordingHandler h = turn(body);

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
    assertThat(h.text()).isEqualTo("<speech>Bye</speech>");
    awaitIdle(client);
  }

  @Test
  void gzippedBareCrStreamIsTranslatedAfterDecoding() throws Exception {
    // Compressed bytes hold CRs of their own: line ends must be read after OkHttp's gunzip.
    okio.Buffer gzipped = new okio.Buffer();
    try (okio.BufferedSink gzip = okio.Okio.buffer(new okio.GzipSink(gzipped))) {
      for (int i = 0; i < 50; i++) {
        gzip.writeUtf8("data: " + content("<speech>" + i + "\n</speech>") + "\r\r");
      }
      gzip.writeUtf8("data: " + finish("stop") + "\r\rdata: [DONE]\r\r");
    }
    server.enqueue(new mockwebserver3.MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream")
        .setHeader("Content-Encoding", "gzip")
        .body(gzipped)
        .build());
    RecordingHandler h = new RecordingHandler();
    calls.add(client.stream(request(), h));
    await().atMost(TURN).until(h::hasTerminal);

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      expected.append("<speech>").append(i).append("\n</speech>");
    }
    assertThat(h.text()).isEqualTo(expected.toString());
    awaitIdle(client);
  }

  @Test
  void crLfSplitBetweenCrAndLfAddsNoBlankLine() {
    // A JSON chunk over three data lines: an extra blank line would cut it into malformed events.
    String[] lines = {"{\"choices\":[{\"index\":0,", "\"delta\":{\"content\":\"<speech>Whole</speech>\"},",
        "\"finish_reason\":\"stop\"}]}"};
    SseBody body = new SseBody();
    for (String line : lines) {
      body.raw("data: " + line + "\r").raw("\n");
    }
    body.raw("\r").raw("\ndata: [DONE]\r\n\r\n");

    RecordingHandler h = turn(body);

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
    assertThat(h.text()).isEqualTo("<speech>Whole</speech>");
    assertThat(h.events()).hasSize(2);
    awaitIdle(client);
  }
}
