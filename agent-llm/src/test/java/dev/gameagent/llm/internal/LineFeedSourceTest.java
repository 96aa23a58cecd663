package dev.gameagent.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/** {@link LineFeedSource}: every line end becomes one LF, however the input is cut into reads. */
class LineFeedSourceTest {
  private final Call call = new OkHttpClient().newCall(new Request.Builder().url("http://localhost/").build());

  /** A source that returns one piece per read, then the end. */
  private static Source pieces(List<byte[]> pieces) {
    Deque<byte[]> queue = new ArrayDeque<>(pieces);
    return new Source() {
      @Override
      public long read(Buffer sink, long byteCount) {
        byte[] next = queue.poll();
        if (next == null) {
          return -1;
        }
        sink.write(next);
        return next.length;
      }

      @Override
      public Timeout timeout() {
        return Timeout.NONE;
      }

      @Override
      public void close() {}
    };
  }

  private String read(List<byte[]> pieces) throws IOException {
    try (BufferedSource lf = Okio.buffer(new LineFeedSource(pieces(pieces), call))) {
      return lf.readUtf8();
    }
  }

  /** {@code input} read whole, cut once at every position, cut twice at every pair, and byte by byte. */
  private void assertTranslated(String input, String expected) throws IOException {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    assertThat(read(List.of(bytes))).as("whole %s", input).isEqualTo(expected);
    for (int i = 0; i <= bytes.length; i++) {
      for (int j = i; j <= bytes.length; j++) {
        List<byte[]> cut = List.of(slice(bytes, 0, i), slice(bytes, i, j), slice(bytes, j, bytes.length));
        assertThat(read(cut)).as("%s cut at %d and %d", input, i, j).isEqualTo(expected);
      }
    }
    List<byte[]> single = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      single.add(slice(bytes, i, i + 1));
    }
    assertThat(read(single)).as("%s byte by byte", input).isEqualTo(expected);
  }

  private static byte[] slice(byte[] bytes, int from, int to) {
    return java.util.Arrays.copyOfRange(bytes, from, to);
  }

  @Test
  void everyLineEndBecomesOneLineFeed() throws IOException {
    assertTranslated("data: a\r\rdata: b\r\n\r\ndata: c\n\n", "data: a\n\ndata: b\n\ndata: c\n\n");
    assertTranslated("data: x\r\n\r\n\r\r\n\n\r", "data: x\n\n\n\n\n\n");
    assertTranslated("\n\r\r\n\r", "\n\n\n\n");
  }

  @Test
  void textWithoutCarriageReturnsPassesAsItIs() throws IOException {
    assertTranslated("data: {\"content\":\"村 😀 é\"}\n\n", "data: {\"content\":\"村 😀 é\"}\n\n");
    assertTranslated("", "");
  }

  @Test
  void multiByteCharactersAroundLineEndsSurvive() throws IOException {
    assertTranslated("data: é\r😀\r\n村\r", "data: é\n😀\n村\n");
  }

  @Test
  void readsFailOnceTheCallIsCancelled() throws IOException {
    try (BufferedSource lf = Okio.buffer(new LineFeedSource(pieces(List.of("data: a\r".getBytes(StandardCharsets.UTF_8))), call))) {
      assertThat(lf.readUtf8Line()).isEqualTo("data: a");
      call.cancel();
      assertThatThrownBy(lf::exhausted).isInstanceOf(IOException.class).hasMessage("Canceled");
    }
  }
}
