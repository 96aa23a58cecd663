package dev.gameagent.examples.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Example 2, a game talking to the bundled server over WebSocket: a console "game" in which you
 * talk to Brom, the town guard. What you type becomes an {@code interaction_event}; Brom's answer
 * is printed tag by tag as the server streams it; each turn is confirmed with an
 * {@code agent_turn_result}. The protocol work is in {@link ConsoleConversation}; this class moves
 * frames between it, the socket and the keyboard.
 *
 * <pre>
 * java -cp ... dev.gameagent.examples.console.ConsoleGameClient [URL] [AGENT_ID] [TOKEN]
 * </pre>
 *
 * URL defaults to {@code ws://127.0.0.1:8000/ws}, AGENT_ID to {@code brom}; TOKEN is the server's
 * shared secret, when it has one.
 */
public final class ConsoleGameClient implements AutoCloseable {
  static final String DEFAULT_URL = "ws://127.0.0.1:8000/ws";
  static final String DEFAULT_AGENT_ID = "brom";
  private static final String SPEC_RESOURCE = "brom.json";

  private final OkHttpClient http;
  private final ConsoleConversation conversation;
  private final PrintStream out;
  private final WebSocket socket;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private ConsoleGameClient(String url, String agentId, String token, PrintStream out) {
    this.out = out;
    this.http = new OkHttpClient();
    this.conversation = new ConsoleConversation(agentId, bromSpec(), out);
    Request.Builder request = new Request.Builder().url(url);
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token.strip());
    }
    this.socket = http.newWebSocket(request.build(), new Listener());
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 3 || (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help")))) {
      System.out.println("usage: ConsoleGameClient [URL] [AGENT_ID] [TOKEN]   (default " + DEFAULT_URL + " "
          + DEFAULT_AGENT_ID + ")\n\nOnce connected, type:\n" + ConsoleConversation.HELP);
      return;
    }
    String url = args.length > 0 ? args[0] : DEFAULT_URL;
    String agentId = args.length > 1 ? args[1] : DEFAULT_AGENT_ID;
    String token = args.length > 2 ? args[2] : null;
    ConsoleGameClient client;
    try {
      client = connect(url, agentId, token, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("invalid URL " + url + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    // The keyboard is read on its own thread, so a server that goes away ends the program at once.
    Thread keyboard = new Thread(() -> readKeyboard(client, System.in), "keyboard");
    keyboard.setDaemon(true);
    keyboard.start();
    client.closed().join();
    client.close();
  }

  /**
   * Connects to {@code url} and plays the NPC {@code agentId} with the Brom spec; returns at once.
   *
   * @param token the server's shared secret, or null
   * @throws IllegalArgumentException when {@code url} is not a ws, wss, http or https URL
   */
  static ConsoleGameClient connect(String url, String agentId, String token, PrintStream out) {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(agentId, "agentId == null");
    Objects.requireNonNull(out, "out == null");
    return new ConsoleGameClient(url, agentId, token, out);
  }

  /** Sends what the player typed; {@code /quit} closes the connection. */
  void type(String line) {
    if (line.strip().equals("/quit")) {
      socket.close(1000, "bye");
      return;
    }
    for (String frame : conversation.onInput(line)) {
      socket.send(frame);
    }
  }

  ConsoleConversation conversation() {
    return conversation;
  }

  /** Completes when the connection is closed or has failed. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  /** Closes the connection and releases OkHttp's threads, so the JVM can exit. */
  @Override
  public void close() {
    socket.close(1000, "bye");
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static void readKeyboard(ConsoleGameClient client, InputStream in) {
    try (BufferedReader keyboard = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = keyboard.readLine()) != null) {
        client.type(line);
      }
    } catch (IOException e) {
      client.out.println("(cannot read the keyboard: " + e.getMessage() + ")");
    }
    client.type("/quit");
  }

  private static ObjectNode bromSpec() {
    try (InputStream in = ConsoleGameClient.class.getResourceAsStream(SPEC_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource missing: " + SPEC_RESOURCE);
      }
      return (ObjectNode) new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SPEC_RESOURCE, e);
    }
  }

  /** Called by OkHttp on its reader thread, one frame at a time. */
  private final class Listener extends WebSocketListener {
    @Override
    public void onMessage(WebSocket webSocket, String text) {
      for (String reply : conversation.onFrame(text)) {
        webSocket.send(reply);
      }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      out.println("(disconnected: " + code + (reason.isEmpty() ? "" : " " + reason) + ")");
      closed.complete(null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      String why = response != null ? "HTTP " + response.code() + " " + response.message() : String.valueOf(t.getMessage());
      out.println("(connection failed: " + why + ")");
      closed.complete(null);
    }
  }
}
