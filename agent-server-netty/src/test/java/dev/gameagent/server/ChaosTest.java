package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Abuse on the wire: several {@link ChaosPlayer}s, each on its own thread with its own seed, play a
 * bounded number of operations against one server whose model ({@link ChaosLlm}) streams slowly,
 * fails with 429 and 500, sends garbage, hangs and cuts off. Afterwards every connection's frames
 * must satisfy the turn lifecycle invariants, every turn a connection saw start must have ended
 * there unless the connection was closed, errors must be protocol errors without stack traces, no
 * upstream stream may be left open, the server must still answer a ping, and Netty's paranoid leak
 * detector must have found no unreleased buffer.
 *
 * <p>The seed is printed; rerun one with {@code -Dchaos.seed=N}. Thread interleaving is not
 * reproducible, each player's choices are.
 */
class ChaosTest {
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  private static final int PLAYERS = 4;
  private static final int OPERATIONS = 300;
  private static final Set<String> ERROR_CODES = Set.of("invalid_json", "unsupported_frame", "missing_field",
      "invalid_field", "unknown_type", "unknown_turn", "duplicate_turn_result", "tool_loop_limit", "rate_limited",
      "limit_exceeded", "state_timeout", "llm_error");

  @TempDir Path logs;
  private OpenAiMock mock;
  private TestServer server;
  private final ListAppender<ILoggingEvent> leaks = new ListAppender<>();
  private final Logger leakLogger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);

  @AfterEach
  void stop() throws Exception {
    leakLogger.detachAppender(leaks);
    if (server != null) {
      server.close();
    }
    if (mock != null) {
      mock.close();
    }
  }

  @ParameterizedTest(name = "compression {0}")
  @ValueSource(booleans = {false, true})
  void serverKeepsEveryInvariantUnderAbuse(boolean compression) throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    System.out.println("ChaosTest seed " + seed + " (rerun with -Dchaos.seed=" + seed + ")");
    leaks.start();
    leakLogger.addAppender(leaks);
    ChaosLlm llm = new ChaosLlm(seed);
    mock = new OpenAiMock(b -> b.maxRetries(1).retryBaseDelay(Duration.ofMillis(10))
        .retryMaxDelay(Duration.ofMillis(50)));
    mock.server.setDispatcher(llm);
    server = TestServer.start(logs, mock.client, b -> b.stateTimeout(Duration.ofSeconds(1))
        .streamIdleTimeout(Duration.ofMillis(1500)).maxMessageBytes(MAX_MESSAGE_BYTES).compression(compression)
        .maxTurnsPerSession(3).maxAgentsPerSession(8).unwritableTimeout(Duration.ofSeconds(2))
        .pingInterval(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(8)));

    List<ChaosPlayer> players = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(PLAYERS);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < PLAYERS; i++) {
        ChaosPlayer player = new ChaosPlayer(server, seed + i, "p" + i);
        players.add(player);
        runs.add(threads.submit(() -> {
          player.play(OPERATIONS);
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(120, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    List<ChaosPlayer.Link> links = players.stream().flatMap(p -> p.links().stream()).toList();
    // Connections replaced on purpose end with their expected codes; the rest stay open.
    await().atMost(Duration.ofSeconds(30)).until(() -> links.stream().filter(l -> l.retired)
        .allMatch(l -> l.client.hasEnded()));
    // Every turn ends: unanswered state requests time out, hanging streams hit the idle timeout.
    await().atMost(Duration.ofSeconds(60)).until(() -> server.server.activeTurnCount() == 0
        && links.stream().filter(l -> !l.retired).allMatch(l -> unendedTurns(l.client.received()).isEmpty()));

    int turns = 0;
    java.util.Map<String, Integer> stats = new java.util.HashMap<>();
    for (ChaosPlayer.Link link : links) {
      WsClient client = link.client;
      List<JsonNode> frames = client.received();
      if (!frames.isEmpty()) {
        assertThat(frames.get(0).path("type").asText()).as("first message").isEqualTo("session_started");
      }
      TurnFrames.assertValid(frames);
      frames.forEach(ChaosTest::assertCleanMessage);
      if (link.retired) {
        assertThat(client.closeCode()).as("close code of a replaced connection").isIn(link.allowedCloseCodes);
      } else {
        assertThat(client.hasEnded()).as("a connection nobody closed ended with %s %s", client.closeCode(),
            client.closeReason()).isFalse();
        assertThat(unendedTurns(frames)).as("turns without a terminal message").isEmpty();
        assertAnswered(link, frames);
      }
      frames.forEach(f -> stats.merge(statKey(f), 1, Integer::sum));
      turns += (int) frames.stream().filter(f -> f.path("type").asText().equals("agent_turn_started")).count();
    }
    for (ChaosPlayer player : players) {
      for (List<String> transcript : player.rawTranscripts()) {
        List<JsonNode> frames = new ArrayList<>();
        for (String text : transcript) {
          frames.add(WsClient.JSON.readTree(text));
        }
        TurnFrames.assertValid(frames);
        frames.forEach(ChaosTest::assertCleanMessage);
      }
    }
    System.out.println("ChaosTest: " + new java.util.TreeMap<>(stats));
    System.out.println("ChaosTest: " + links.size() + " connections, " + turns + " turns started, "
        + llm.requests() + " model requests, " + llm.hangsCut() + " hanging streams cut");
    assertThat(turns).as("turns that streamed").isGreaterThan(20);

    try (WsClient fresh = WsClient.connectStarted(server.ws())) {
      fresh.assertAlive("after-chaos");
    }
    shutDownWhileStreaming(links.stream().filter(l -> !l.retired).map(l -> l.client).toList());
    await().atMost(Duration.ofSeconds(60)).until(() -> llm.openStreams() == 0);
    assertThat(llm.hangsOverstayed()).as("hanging upstream streams nobody closed").isZero();
    assertNoLeakReported();
  }

  /**
   * Starts a turn on every connection still open, then stops the server: each connection gets the
   * terminal message of every turn it saw start (reason {@code shutdown} for those still going), in
   * valid order, and then a close with 1001.
   */
  private void shutDownWhileStreaming(List<WsClient> open) {
    for (int i = 0; i < open.size(); i++) {
      open.get(i).send("type", "interaction_event", "agent_id", "a0", "event", java.util.Map.of("id", "final-" + i,
          "text", "Last words?", "on_busy", "interrupt"));
    }
    for (int i = 0; i < open.size(); i++) {
      String eventId = "final-" + i;
      JsonNode get = open.get(i).nextMatching(f -> f.path("type").asText().equals("get_agent_state")
          && f.path("event_id").asText().equals(eventId));
      open.get(i).send("type", "agent_state_snapshot", "agent_id", "a0", "request_id", get.path("request_id").asText(),
          "state", ChaosPlayer.SPEC);
      String turnId = get.path("turn_id").asText();
      open.get(i).nextMatching(f -> f.path("turn_id").asText().equals(turnId) && f.path("type").asText()
          .startsWith("agent_turn_"));
    }
    server.close();
    server = null;
    for (WsClient client : open) {
      assertThat(client.awaitEnd()).as("close code at shutdown").isEqualTo(1001);
      List<JsonNode> frames = client.received();
      TurnFrames.assertValid(frames);
      assertThat(unendedTurns(frames)).as("turns without a terminal message at shutdown").isEmpty();
      frames.forEach(ChaosTest::assertCleanMessage);
    }
  }

  /**
   * Every ping sent on a connection still open got its pong, and each ping sent right after a
   * malformed message has an {@code error} between its pong and the pong before it.
   */
  private static void assertAnswered(ChaosPlayer.Link link, List<JsonNode> frames) {
    List<String> pongs = new ArrayList<>();
    Set<String> errorFirst = new HashSet<>();
    boolean errorSincePong = false;
    for (JsonNode f : frames) {
      String type = f.path("type").asText();
      if (type.equals("error")) {
        errorSincePong = true;
      } else if (type.equals("pong")) {
        pongs.add(f.path("id").asText());
        if (errorSincePong) {
          errorFirst.add(f.path("id").asText());
        }
        errorSincePong = false;
      }
    }
    assertThat(pongs).as("pongs").containsAll(link.pings);
    assertThat(errorFirst).as("pongs after the error of a malformed message").containsAll(link.pingsAfterMalformed);
  }

  private static String statKey(JsonNode f) {
    String type = f.path("type").asText();
    return switch (type) {
      case "error" -> "error:" + f.path("code").asText();
      case "agent_turn_finished" -> "finished:" + f.path("finish_reason").asText()
          + (f.path("error").isObject() ? ":" + f.path("error").path("code").asText() + ":"
          + f.path("error").path("status").asText() : "");
      case "agent_turn_interrupted" -> "interrupted:" + f.path("reason").asText();
      default -> type;
    };
  }

  /** Turn ids this connection saw (a state request or a turn frame) with no terminal message. */
  private static Set<String> unendedTurns(List<JsonNode> frames) {
    Set<String> seen = new HashSet<>();
    Set<String> ended = new HashSet<>();
    for (JsonNode f : frames) {
      String type = f.path("type").asText();
      String key = f.path("agent_id").asText() + "/" + f.path("turn_id").asText();
      if (type.equals("get_agent_state") || type.startsWith("agent_turn_") || type.startsWith("agent_tag_")) {
        seen.add(key);
      }
      if (type.equals("agent_turn_finished") || type.equals("agent_turn_interrupted")) {
        ended.add(key);
      }
    }
    seen.removeAll(ended);
    return seen;
  }

  /** A protocol message a game may show or log: no stack trace, no internal error, a known error code. */
  private static void assertCleanMessage(JsonNode message) {
    String text = message.toString();
    assertThat(text).as("client-visible message").doesNotContain("Exception").doesNotContain("\\tat ")
        .doesNotContain(".java:").doesNotContain("Caused by").doesNotContain("dev.gameagent.");
    if (message.path("type").asText().equals("error")) {
      assertThat(message.path("code").asText()).as("error code of " + text).isIn(ERROR_CODES);
    }
    JsonNode turnError = message.path("error");
    if (message.path("type").asText().equals("agent_turn_finished") && turnError.isObject()) {
      assertThat(turnError.path("code").asText()).as("turn error of " + text).isIn("state_timeout", "llm_error");
    }
  }

  /**
   * Netty reports a leaked buffer when the garbage collector has collected it and a later buffer is
   * allocated: collect, allocate, then look for its report.
   */
  private void assertNoLeakReported() {
    for (int i = 0; i < 10; i++) {
      System.gc();
      for (int j = 0; j < 100; j++) {
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
        probe.release();
      }
    }
    assertThat(leaks.list).as("Netty leak reports").noneMatch(e -> e.getFormattedMessage().contains("LEAK"));
  }
}
