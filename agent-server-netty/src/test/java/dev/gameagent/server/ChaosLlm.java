package dev.gameagent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;

/**
 * An OpenAI-compatible provider that misbehaves on purpose, for {@link ChaosTest}: each request gets,
 * by a seeded draw, a slow stream of tags (sometimes a tool call), a 429, a 500, a garbage body, a
 * stream that hangs mid-answer until the client hangs up, or a stream cut off mid-body.
 *
 * <p>It counts the response streams still being written: a stream is open from its first byte until
 * it ended or a write failed because the client closed it, so a count that does not return to 0
 * names an upstream call the server left open. Thread-safe; the draws are in request order.
 */
final class ChaosLlm extends Dispatcher {
  /** Longest a hanging stream waits for the client to hang up; past it the stream counts as leaked. */
  private static final Duration HANG_LIMIT = Duration.ofSeconds(40);

  private final Random random;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger hangsCut = new AtomicInteger();
  private final AtomicInteger hangsOverstayed = new AtomicInteger();

  ChaosLlm(long seed) {
    this.random = new Random(seed);
  }

  /** Response streams still being written. */
  int openStreams() {
    return open.get();
  }

  int requests() {
    return requests.get();
  }

  /** Hanging streams the client closed, as a cancelled upstream call must be. */
  int hangsCut() {
    return hangsCut.get();
  }

  /** Hanging streams nobody closed within the hang limit. */
  int hangsOverstayed() {
    return hangsOverstayed.get();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.incrementAndGet();
    int draw;
    int pieces;
    int delayMs;
    boolean tool;
    synchronized (random) {
      draw = random.nextInt(100);
      pieces = 1 + random.nextInt(6);
      delayMs = 5 + random.nextInt(40);
      tool = random.nextInt(4) == 0;
    }
    if (draw < 55) {
      return stream(new Body(answer(pieces, tool), delayMs, Ending.FINISH, tool ? "tool_calls" : "stop"));
    }
    if (draw < 63) {
      return new MockResponse.Builder().code(429).setHeader("Retry-After", "0")
          .body("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit\"}}").build();
    }
    if (draw < 70) {
      return new MockResponse.Builder().code(500).body("<html>Internal Server Error</html>").build();
    }
    if (draw < 78) {
      return stream(new Body(List.of("data: {\"choices\":[{\"delta\":{\"content\":\"<speech>Hm", "data: }}}garbage\n\n",
          "\u0000\u00ff not sse at all\n\n"), delayMs, Ending.END, null).raw());
    }
    if (draw < 92) {
      return stream(new Body(answer(pieces, false).subList(0, 1 + pieces / 2), delayMs, Ending.HANG, null));
    }
    return stream(new Body(answer(pieces, false), delayMs, Ending.CUT, null));
  }

  private static MockResponse stream(Body body) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream")
        .setHeader("Transfer-Encoding", "chunked")
        .setHeader("Connection", "close")
        .body(body)
        .build();
  }

  /** An answer in the default tags, split into pieces at awkward places; a tool call last when asked. */
  private static List<String> answer(int pieces, boolean tool) {
    String text = "<emotion>happy</emotion><speech>Halt! Who goes there &amp; why?</speech><action name=\"wave\"/>"
        + "<speech>5 < 6, stranger.</speech>"
        + (tool ? "<tool_call name=\"check_inventory\">{\"item\":\"gate key\"}</tool_call>" : "");
    int step = Math.max(1, text.length() / pieces);
    List<String> split = new java.util.ArrayList<>();
    for (int i = 0; i < text.length(); i += step) {
      split.add(text.substring(i, Math.min(text.length(), i + step)));
    }
    return split;
  }

  private enum Ending {
    /** A finish event and {@code [DONE]}. */
    FINISH,
    /** The body just ends, without a finish. */
    END,
    /** Keep-alive comments until the client hangs up. */
    HANG,
    /** The socket is dropped mid-body. */
    CUT
  }

  /** One counted response body. */
  private final class Body implements MockResponseBody {
    private final List<String> pieces;
    private final long delayMs;
    private final Ending ending;
    private final String finishReason;
    private boolean raw;

    Body(List<String> pieces, long delayMs, Ending ending, String finishReason) {
      this.pieces = pieces;
      this.delayMs = delayMs;
      this.ending = ending;
      this.finishReason = finishReason;
    }

    /** Pieces are written as they are, not as content deltas. */
    Body raw() {
      raw = true;
      return this;
    }

    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      open.incrementAndGet();
      try {
        for (String piece : pieces) {
          pause(delayMs);
          chunk(sink, raw ? piece : delta(piece));
        }
        switch (ending) {
          case FINISH -> {
            chunk(sink, "data: " + json(Map.of("choices", List.of(Map.of("index", 0, "delta", Map.of(),
                "finish_reason", finishReason)), "usage", Map.of("prompt_tokens", 10, "completion_tokens", 5)))
                + "\n\n");
            chunk(sink, "data: [DONE]\n\n");
          }
          case HANG -> hang(sink);
          case CUT -> throw new IOException("cut mid-body on purpose");
          case END -> { }
        }
        sink.writeUtf8("0\r\n\r\n");
        sink.flush();
      } finally {
        open.decrementAndGet();
      }
    }

    private void hang(BufferedSink sink) throws IOException {
      long deadline = System.nanoTime() + HANG_LIMIT.toNanos();
      try {
        while (System.nanoTime() < deadline) {
          chunk(sink, ": keep-alive\n\n");
          pause(50);
        }
      } catch (IOException closedByClient) {
        hangsCut.incrementAndGet();
        throw closedByClient;
      }
      hangsOverstayed.incrementAndGet();
    }
  }

  private static String delta(String piece) {
    return "data: " + json(Map.of("choices", List.of(Map.of("index", 0, "delta", Map.of("content", piece))))) + "\n\n";
  }

  private static String json(Object value) {
    try {
      return WsClient.JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static void pause(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  private static void chunk(BufferedSink sink, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    sink.writeUtf8(Integer.toHexString(bytes.length)).writeUtf8("\r\n").write(bytes).writeUtf8("\r\n");
    sink.flush();
  }
}
