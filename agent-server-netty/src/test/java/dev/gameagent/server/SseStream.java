package dev.gameagent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/**
 * An OpenAI-style streamed completion for MockWebServer, in chunked framing, one flushed chunk per
 * event: content deltas, a finish, silence, or an open-ended stream that records when the client
 * hangs up.
 */
final class SseStream implements MockResponseBody {
  private interface Step {
    void run(BufferedSink sink) throws IOException;
  }

  private final List<Step> steps = new ArrayList<>();
  /** Counted down when a write failed because the client closed the stream. */
  final CountDownLatch clientClosed = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  /** One {@code choices[0].delta.content} event per piece. */
  SseStream content(String... pieces) {
    for (String piece : pieces) {
      event(Map.of("choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece)))));
    }
    return this;
  }

  /** The finish event and {@code [DONE]}. */
  SseStream finish(String reason) {
    event(Map.of("choices", List.of(Map.of("index", 0, "delta", Map.of(), "finish_reason", reason))));
    steps.add(sink -> chunk(sink, "data: [DONE]\n\n"));
    return this;
  }

  /** Sends nothing at all, the connection left open, until {@link #release()} (at most 60 s). */
  SseStream silentUntilReleased() {
    steps.add(sink -> {
      try {
        released.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    });
    return this;
  }

  /** Ends a {@link #silentUntilReleased()} step. */
  void release() {
    released.countDown();
  }

  /** Keeps the stream open with comments until the client hangs up (at most 60 s). */
  SseStream untilClientCloses() {
    steps.add(sink -> {
      try {
        for (int i = 0; i < 1200; i++) {
          chunk(sink, ": keep-alive\n\n");
          Thread.sleep(50);
        }
      } catch (IOException e) {
        clientClosed.countDown();
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    });
    return this;
  }

  boolean awaitClientClosed() throws InterruptedException {
    return clientClosed.await(20, TimeUnit.SECONDS);
  }

  MockResponse response() {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream")
        .setHeader("Transfer-Encoding", "chunked")
        // One exchange per connection, so each test response is read on a fresh connection.
        .setHeader("Connection", "close")
        .body(this)
        .build();
  }

  private void event(Object json) {
    try {
      String data = "data: " + WsClient.JSON.writeValueAsString(json) + "\n\n";
      steps.add(sink -> chunk(sink, data));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static void chunk(BufferedSink sink, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    sink.writeUtf8(Integer.toHexString(bytes.length)).writeUtf8("\r\n").write(bytes).writeUtf8("\r\n");
    sink.flush();
  }

  @Override
  public long getContentLength() {
    return -1;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    for (Step s : steps) {
      s.run(sink);
    }
    sink.writeUtf8("0\r\n\r\n");
    sink.flush();
  }
}
