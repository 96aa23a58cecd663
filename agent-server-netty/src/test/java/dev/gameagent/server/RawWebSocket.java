package dev.gameagent.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;

/**
 * A bare WebSocket client over a socket, for frames a well-behaved library will not send: invalid
 * UTF-8 in a text frame, a message split into fragments. Blocking, with a socket read timeout;
 * test use only.
 */
final class RawWebSocket implements AutoCloseable {
  static final int TEXT = 1;
  static final int BINARY = 2;
  static final int CONTINUATION = 0;
  static final int CLOSE = 8;
  static final int PING = 9;

  /** One frame read from the server. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawWebSocket(int port, String path) throws IOException {
    this(port, path, "");
  }

  /** @param extraHeaders more request header lines, each ending in CRLF */
  RawWebSocket(int port, String path, String extraHeaders) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    out = socket.getOutputStream();
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
        + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    in = new DataInputStream(socket.getInputStream());
    String status = readHeaders(in);
    if (!status.startsWith("HTTP/1.1 101")) {
      throw new IOException("handshake refused: " + status);
    }
  }

  private static String readHeaders(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during handshake");
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII).split("\r\n")[0];
  }

  /** A message as permessage-deflate sends it: raw deflate, sync-flushed, without the trailing 00 00 ff ff. */
  static byte[] deflate(byte[] message) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(message);
    byte[] out = new byte[message.length + 64];
    int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
    deflater.end();
    return Arrays.copyOf(out, n - 4);
  }

  /** Sends one masked frame. */
  void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
    sendFrame(opcode, fin, false, payload);
  }

  /** Sends one masked frame; {@code rsv1} marks a permessage-deflate compressed message. */
  void sendFrame(int opcode, boolean fin, boolean rsv1, byte[] payload) throws IOException {
    byte[] head = head((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode, true, payload.length);
    byte[] frame = Arrays.copyOf(head, head.length + payload.length);
    int key = head.length - 4;
    for (int i = 0; i < payload.length; i++) {
      frame[head.length + i] = (byte) (payload[i] ^ head[key + (i & 3)]);
    }
    sendRaw(frame);
  }

  /**
   * Sends only the head of a frame (first byte as given: FIN, reserved bits, opcode), announcing a
   * payload of {@code length} bytes, with a masking key when {@code masked}; the payload is then the
   * caller's to write, e.g. a bit at a time with {@link #sendRaw}.
   */
  void sendHead(int firstByte, boolean masked, long length) throws IOException {
    sendRaw(head(firstByte, masked, length));
  }

  private static byte[] head(int firstByte, boolean masked, long length) {
    ByteArrayOutputStream head = new ByteArrayOutputStream(14);
    head.write(firstByte);
    int mask = masked ? 0x80 : 0;
    if (length < 126) {
      head.write(mask | (int) length);
    } else if (length < 65536) {
      head.write(mask | 126);
      head.write((int) (length >>> 8));
      head.write((int) (length & 0xff));
    } else {
      head.write(mask | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        head.write((int) (length >>> shift) & 0xff);
      }
    }
    if (masked) {
      byte[] key = new byte[4];
      ThreadLocalRandom.current().nextBytes(key);
      head.writeBytes(key);
    }
    return head.toByteArray();
  }

  /** Writes bytes as they are, e.g. a frame that breaks the protocol. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void sendText(String text) throws IOException {
    sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads the next frame; server frames are never masked. */
  Frame read() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(b0 & 0x0f, payload);
  }

  /** Reads frames until a text frame; skips pings. */
  Frame readText() throws IOException {
    while (true) {
      Frame f = read();
      if (f.opcode() == TEXT || f.opcode() == CLOSE) {
        return f;
      }
    }
  }

  /**
   * Reads and drops whatever the server still sends until it closes the connection in order (end of
   * stream); a reset fails with its {@code SocketException}.
   */
  void readToEnd() throws IOException {
    while (in.read() >= 0) {
      // Frames after the close frame, if any, do not matter here.
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
