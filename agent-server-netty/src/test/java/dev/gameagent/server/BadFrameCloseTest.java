package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A client still writing when its frame breaks the rules (too big, unmasked, reserved bits) gets the
 * close code for it, and the rest of what it writes does not meet a closed socket: the server reads
 * on (dropping it all) until the client closes or the close grace period ends, then closes in order.
 * A reset instead can reach a client such as OkHttp before the close frame, which then never sees
 * the code.
 */
class BadFrameCloseTest extends EndToEndTest {
  private static final int LIMIT = 4096;
  /**
   * What each client still sends after the server's close frame: more than the socket buffers on
   * both sides hold, so that the writes only complete if the server reads them, and one of them fails
   * if the server has closed the socket (its kernel answers with a reset).
   */
  private static final int STILL_WRITING = 8 * 1024 * 1024;
  private static final int CHUNK = 16 * 1024;
  private static final int FIN = 0x80;
  private static final int RSV2 = 0x20;

  @Test
  void aFrameAnnouncedOverTheLimitIsClosedWith1009WhileItsPayloadIsStillComing() throws Exception {
    assertClosedWhileThePayloadIsStillComing(FIN | RawWebSocket.TEXT, true, 1009);
  }

  @Test
  void anUnmaskedFrameIsClosedWith1002WhileItsPayloadIsStillComing() throws Exception {
    assertClosedWhileThePayloadIsStillComing(FIN | RawWebSocket.TEXT, false, 1002);
  }

  @Test
  void reservedBitsAreClosedWith1002WhileThePayloadIsStillComing() throws Exception {
    assertClosedWhileThePayloadIsStillComing(FIN | RSV2 | RawWebSocket.TEXT, true, 1002);
  }

  /** A frame announcing more than the limit, with the given first byte and masking, a chunk of it, then the rest. */
  private void assertClosedWhileThePayloadIsStillComing(int firstByte, boolean masked, int code) throws Exception {
    start(new SilentLlm(), b -> b.maxMessageBytes(LIMIT));
    try (RawWebSocket raw = started()) {
      raw.sendHead(firstByte, masked, STILL_WRITING + CHUNK);
      raw.sendRaw(new byte[CHUNK]);
      assertCloseCode(raw, code);
      finishWriting(raw, STILL_WRITING);
    }
  }

  @Test
  void fragmentsAddingUpOverTheLimitAreClosedWith1009WhileMoreFragmentsAreComing() throws Exception {
    start(new SilentLlm(), b -> b.maxMessageBytes(LIMIT));
    try (RawWebSocket raw = started()) {
      byte[] part = new byte[3000];
      Arrays.fill(part, (byte) 'x');
      raw.sendFrame(RawWebSocket.TEXT, false, part);
      raw.sendFrame(RawWebSocket.CONTINUATION, false, part);
      assertCloseCode(raw, 1009);
      for (int i = 0; i < STILL_WRITING / part.length; i++) {
        raw.sendFrame(RawWebSocket.CONTINUATION, false, part);
      }
      raw.sendFrame(RawWebSocket.CONTINUATION, true, part);
      closeAndReadToEnd(raw);
    }
  }

  @Test
  void aCompressedMessageOverTheLimitOnceInflatedIsClosedWith1009WhileMoreIsComing() throws Exception {
    start(new SilentLlm(), b -> b.maxMessageBytes(LIMIT).compression(true));
    try (RawWebSocket raw = started("Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
      byte[] ping = ("{\"type\":\"ping\",\"id\":\"" + "x".repeat(10_000) + "\"}").getBytes(StandardCharsets.UTF_8);
      raw.sendFrame(RawWebSocket.TEXT, true, true, RawWebSocket.deflate(ping));
      assertCloseCode(raw, 1009);
      byte[] more = new byte[LIMIT];
      Arrays.fill(more, (byte) ' ');
      for (int sent = 0; sent < STILL_WRITING; sent += more.length) {
        raw.sendFrame(RawWebSocket.TEXT, true, more);
      }
      closeAndReadToEnd(raw);
    }
  }

  private RawWebSocket started() throws Exception {
    return started("");
  }

  private RawWebSocket started(String extraHeaders) throws Exception {
    RawWebSocket raw = new RawWebSocket(server.port(), "/ws", extraHeaders);
    assertThat(raw.readText().opcode()).as("session_started").isEqualTo(RawWebSocket.TEXT);
    return raw;
  }

  private static void assertCloseCode(RawWebSocket raw, int code) throws Exception {
    RawWebSocket.Frame close = raw.readText();
    assertThat(close.opcode()).as("a close frame, not %s", close.text()).isEqualTo(RawWebSocket.CLOSE);
    assertThat(close.closeCode()).isEqualTo(code);
  }

  /**
   * Writes the rest of what the client announced, a chunk at a time, then its own close frame, and
   * reads until the server closes: a write or the read failing with a reset fails the test.
   */
  private static void finishWriting(RawWebSocket raw, int bytes) throws Exception {
    for (int sent = 0; sent < bytes; sent += CHUNK) {
      raw.sendRaw(new byte[Math.min(CHUNK, bytes - sent)]);
    }
    closeAndReadToEnd(raw);
  }

  private static void closeAndReadToEnd(RawWebSocket raw) throws Exception {
    raw.sendFrame(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xe8});
    raw.readToEnd();
  }
}
