package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * A test game client: an OkHttp WebSocket that records every message the server sends, in order,
 * decoded as JSON, and how the connection ended. Messages are read with {@link #next} (blocking up
 * to a generous timeout); {@link #received()} keeps them all for order checks.
 */
final class WsClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 20;
  private static final OkHttpClient HTTP = new OkHttpClient.Builder().pingInterval(0, TimeUnit.SECONDS).build();

  private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private final List<JsonNode> received = new ArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final CountDownLatch opened = new CountDownLatch(1);
  private final WebSocket socket;
  private volatile int closeCode = -1;
  private volatile String closeReason;
  private volatile Throwable failure;
  private volatile int failureStatus = -1;
  /** How long the listener sleeps before taking each message: a slow reader when positive. */
  private final long readDelayMillis;

  private WsClient(String url, Map<String, String> headers) {
    this(url, headers, 0);
  }

  private WsClient(String url, Map<String, String> headers, long readDelayMillis) {
    this.readDelayMillis = readDelayMillis;
    Request.Builder request = new Request.Builder().url(url);
    headers.forEach(request::header);
    socket = HTTP.newWebSocket(request.build(), new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        opened.countDown();
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        if (readDelayMillis > 0) {
          try {
            // Holding OkHttp's reader thread is what makes this client slow to read from its socket.
            Thread.sleep(readDelayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        try {
          JsonNode node = JSON.readTree(text);
          synchronized (received) {
            received.add(node);
          }
          inbox.add(node);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        closeCode = code;
        closeReason = reason;
        webSocket.close(1000, null);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        ended.countDown();
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        failure = t;
        if (response != null) {
          failureStatus = response.code();
        }
        opened.countDown();
        ended.countDown();
      }
    });
  }

  static WsClient connect(String url) {
    return connect(url, Map.of());
  }

  static WsClient connect(String url, Map<String, String> headers) {
    return new WsClient(url, headers);
  }

  /** A client that reads slowly: its reader pauses {@code readDelayMillis} before each message. */
  static WsClient connectSlow(String url, long readDelayMillis) {
    return new WsClient(url, Map.of(), readDelayMillis);
  }

  /** Connects and reads {@code session_started}. */
  static WsClient connectStarted(String url) {
    WsClient client = connect(url);
    JsonNode started = client.next();
    assertThat(started.path("type").asText()).isEqualTo("session_started");
    return client;
  }

  void send(String text) {
    assertThat(socket.send(text)).as("queued " + text).isTrue();
  }

  void send(Object... keyValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    try {
      send(JSON.writeValueAsString(m));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Queues {@code text} if the connection is still open; returns whether it was queued. */
  boolean trySend(String text) {
    return socket.send(text);
  }

  /** Queues a binary message if the connection is still open; returns whether it was queued. */
  boolean trySend(byte[] bytes) {
    return socket.send(ByteString.of(bytes));
  }

  void sendBinary(byte[] bytes) {
    assertThat(socket.send(ByteString.of(bytes))).isTrue();
  }

  /** The next message; fails after a generous timeout. */
  JsonNode next() {
    try {
      JsonNode node = inbox.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(node).as("a message within " + TIMEOUT_SECONDS + " s (closed " + closeCode + ", failure " + failure
          + ")").isNotNull();
      return node;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The next message if one has arrived, else null; never waits. */
  JsonNode poll() {
    return inbox.poll();
  }

  /** The next message, which must have the given type. */
  JsonNode next(String type) {
    JsonNode node = next();
    assertThat(node.path("type").asText()).as("type of " + node).isEqualTo(type);
    return node;
  }

  /** Skips messages until one matches; returns it. */
  JsonNode nextMatching(Predicate<JsonNode> predicate) {
    while (true) {
      JsonNode node = next();
      if (predicate.test(node)) {
        return node;
      }
    }
  }

  JsonNode nextOfType(String type) {
    return nextMatching(n -> n.path("type").asText().equals(type));
  }

  /** Sends a ping with {@code id} and expects its pong next: the connection still works. */
  void assertAlive(String id) {
    send("type", "ping", "id", id);
    JsonNode pong = next("pong");
    assertThat(pong.path("id").asText()).isEqualTo(id);
  }

  /** Waits for the connection to end; returns the server's close code, or -1 when it ended without one. */
  int awaitEnd() {
    try {
      assertThat(ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("connection ended").isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return closeCode;
  }

  /** Whether the connection has ended: closed by either side, or failed. */
  boolean hasEnded() {
    return ended.getCount() == 0;
  }

  int closeCode() {
    return closeCode;
  }

  String closeReason() {
    return closeReason;
  }

  /** The HTTP status of a refused handshake, or -1. */
  int awaitFailureStatus() {
    awaitEnd();
    return failureStatus;
  }

  boolean hasPending() {
    return !inbox.isEmpty();
  }

  List<JsonNode> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  @Override
  public void close() {
    socket.close(1000, null);
  }

  void cancel() {
    socket.cancel();
  }
}
