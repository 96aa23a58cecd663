package dev.gameagent.llm.internal;

import java.io.IOException;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;

/**
 * An HTTP response for the stream fuzz test: a status, headers and body bytes written in HTTP/1.1
 * chunked framing as the given pieces, each flushed on its own, so the client reads them as they
 * come; optionally the socket is closed after the last piece, so the chunked body never ends. A new body
 * is made per request, so a retried request gets the same script again.
 */
record StreamScript(int code, String contentType, List<String[]> headers, byte[] body, int[] cuts, boolean reset) {

  MockResponse response() {
    MockResponse.Builder b = new MockResponse.Builder().code(code)
        .removeHeader("Content-Length")
        .setHeader("Transfer-Encoding", "chunked")
        .body(new Body());
    if (reset) {
      // MockWebServer fires a body effect once half the declared length is written.
      b.onResponseBody(new SocketEffect.CloseSocket());
    }
    if (contentType != null) {
      b.setHeader("Content-Type", contentType);
    }
    for (String[] header : headers) {
      b.setHeader(header[0], header[1]);
    }
    return b.build();
  }

  private final class Body implements MockResponseBody {
    @Override
    public long getContentLength() {
      return reset ? 2 * framedLength() : -1;
    }

    /** The bytes of the body in chunked framing, without the last-chunk line. */
    private long framedLength() {
      long framed = 0;
      int from = 0;
      for (int i = 0; i <= cuts.length; i++) {
        int to = i < cuts.length ? cuts[i] : body.length;
        if (to > from) {
          framed += Integer.toHexString(to - from).length() + 2 + (to - from) + 2;
        }
        from = to;
      }
      return framed;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      int from = 0;
      for (int i = 0; i <= cuts.length; i++) {
        int to = i < cuts.length ? cuts[i] : body.length;
        if (to > from) {
          sink.writeUtf8(Integer.toHexString(to - from)).writeUtf8("\r\n").write(body, from, to - from).writeUtf8("\r\n");
          sink.flush();
        }
        from = to;
      }
      // MockWebServer writes the trailers after the last-chunk line itself.
      sink.writeUtf8("0\r\n");
      sink.flush();
    }
  }
}
