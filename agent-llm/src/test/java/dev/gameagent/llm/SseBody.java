package dev.gameagent.llm;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;

/**
 * A scripted MockWebServer body in HTTP/1.1 chunked framing: writes each piece as one chunk and
 * flushes it, and can stall, wait for the client to hang up, or drop the connection mid-body (the
 * final empty chunk is then never sent). A body that ends leaves its connection fit for the next
 * exchange (keep-alive). Built once per response.
 */
public final class SseBody implements MockResponseBody {
  private interface Step {
    void run(BufferedSink sink) throws IOException;
  }

  private final List<Step> steps = new ArrayList<>();
  /** Framed bytes written before a scripted disconnect, or -1 when none is scripted. */
  private long bytesBeforeDisconnect = -1;
  private long framedBytes;
  /** Counted down when the client closed the stream (a write failed). */
  public final CountDownLatch clientClosed = new CountDownLatch(1);
  /** Counted down when the body started to be written. */
  public final CountDownLatch started = new CountDownLatch(1);
  /** Releases a {@link #stall()}; count it down to end the test's server threads. */
  public final CountDownLatch release = new CountDownLatch(1);

  /** Writes {@code text} as it is, as one HTTP chunk, and flushes it. */
  public SseBody raw(String text) {
    steps.add(sink -> chunk(sink, text));
    int length = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    framedBytes += Integer.toHexString(length).length() + 2 + length + 2;
    return this;
  }

  private static void chunk(BufferedSink sink, String text) throws IOException {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    sink.writeUtf8(Integer.toHexString(bytes.length)).writeUtf8("\r\n").write(bytes).writeUtf8("\r\n");
    sink.flush();
  }

  /** Writes one event per element, {@code data: ELEMENT} and a blank line each. */
  public SseBody data(String... data) {
    for (String d : data) {
      raw("data: " + d + "\n\n");
    }
    return this;
  }

  /** Sends nothing until {@link #release} is counted down (at most 60 s). */
  public SseBody stall() {
    steps.add(sink -> await(release));
    return this;
  }

  /** Sends nothing more until {@code gate} is counted down (at most 120 s). */
  public SseBody waitFor(CountDownLatch gate) {
    steps.add(sink -> await(gate, 120_000));
    return this;
  }

  /** Writes keep-alive comments until the client hangs up, then records it in {@link #clientClosed}. */
  public SseBody keepAliveUntilClosed() {
    steps.add(sink -> {
      for (int i = 0; i < 3000; i++) {
        chunk(sink, ": keep-alive\n\n");
        await(release, 10);
      }
    });
    return this;
  }

  /**
   * Closes the socket once everything scripted so far was written (the chunked body never ends).
   * Only data may precede it.
   */
  public SseBody disconnect() {
    bytesBeforeDisconnect = framedBytes;
    return this;
  }

  public MockResponse response() {
    return response("text/event-stream; charset=utf-8");
  }

  public MockResponse response(String contentType) {
    MockResponse.Builder b = new MockResponse.Builder()
        .body(this)
        .removeHeader("Content-Length")
        .setHeader("Content-Type", contentType)
        .setHeader("Cache-Control", "no-cache")
        .setHeader("Transfer-Encoding", "chunked");
    if (bytesBeforeDisconnect >= 0) {
      // MockWebServer fires a body effect once half the declared length is written.
      b.onResponseBody(new SocketEffect.CloseSocket());
    }
    return b.build();
  }

  @Override
  public long getContentLength() {
    return bytesBeforeDisconnect >= 0 ? 2 * bytesBeforeDisconnect : -1;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    started.countDown();
    try {
      for (Step s : steps) {
        s.run(sink);
      }
    } catch (IOException closed) {
      // The client may hang up while any step writes, not only during the keep-alives.
      clientClosed.countDown();
      throw closed;
    }
    // Only the last-chunk line: MockWebServer itself writes the trailer section (and its blank
    // line) after a chunked body. Writing "0\r\n\r\n" here would leave a stray CRLF on the
    // connection, which the next response on it would read as an empty status line.
    sink.writeUtf8("0\r\n");
    sink.flush();
  }

  private static void await(CountDownLatch latch) throws IOException {
    await(latch, 60_000);
  }

  private static void await(CountDownLatch latch, long millis) throws IOException {
    try {
      latch.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }
}
