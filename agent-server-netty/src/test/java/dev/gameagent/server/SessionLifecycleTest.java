package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.testing.ScriptedLlmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Sessions across connections: resume, takeover, logs on disconnect, shutdown. */
class SessionLifecycleTest extends EndToEndTest {
  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void closeLlm() {
    llm.close();
  }

  @Test
  void resumeAttachesToTheStoredHistory() throws Exception {
    start(llm);
    WsClient c1 = register(WsClient.connect(server.ws()));
    String sessionId = c1.next("session_started").path("session_id").asText();
    JsonNode get = interact(c1, "brom", "My name is Aldric");
    answer(c1, get, BROM);
    c1.nextOfType("agent_turn_finished");
    c1.close();
    awaitOpenSessions(0);

    WsClient c2 = register(WsClient.connect(server.ws("session_id=" + sessionId)));
    JsonNode started = c2.next("session_started");
    assertThat(started.path("session_id").asText()).isEqualTo(sessionId);
    assertThat(started.path("resumed").asBoolean()).isTrue();
    JsonNode again = interact(c2, "brom", "What is my name?");
    answer(c2, again, BROM);
    c2.nextOfType("agent_turn_finished");
    assertThat(llm.requests().get(1).messages().toString()).contains("My name is Aldric");
  }

  @Test
  void unknownSessionIdStartsANewSessionUnderThatId() {
    start(llm);
    WsClient c = register(WsClient.connect(server.ws("session_id=save-slot-3")));
    JsonNode started = c.next("session_started");
    assertThat(started.path("session_id").asText()).isEqualTo("save-slot-3");
    assertThat(started.path("resumed").asBoolean()).isFalse();
  }

  @Test
  void secondConnectionTakesOverAndTheFirstIsClosedWith4000() {
    start(llm);
    WsClient c1 = register(WsClient.connect(server.ws()));
    String sessionId = c1.next("session_started").path("session_id").asText();
    JsonNode get = streamingTurn(c1, llm, "Talk", "Where was I");

    WsClient c2 = register(WsClient.connect(server.ws("session_id=" + sessionId)));
    JsonNode started = c2.next("session_started");
    assertThat(started.path("resumed").asBoolean()).isTrue();
    assertThat(c1.awaitEnd()).isEqualTo(4000);
    // The old connection's turn is cancelled upstream; the new connection carries on.
    await().atMost(Duration.ofSeconds(20)).until(() -> llm.awaitCall(0).cancelled());
    c2.assertAlive("new-owner");
    JsonNode next = interact(c2, "brom", "Hello?");
    answer(c2, next, BROM);
    assertThat(c2.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("stop");
    awaitOpenSessions(1);
  }

  /**
   * A connection taken over while it is still sending learns why: its close frame with 4000 is not
   * lost to a reset, as it is when the server closes the socket right after writing the frame while
   * the client's messages are still arriving unread.
   */
  @Test
  void aConnectionTakenOverWhileSendingStillReceives4000() throws Exception {
    start(new SilentLlm(), b -> b.rateLimit(0));
    for (int round = 0; round < 10; round++) {
      try (RawWebSocket old = new RawWebSocket(server.port(), "/ws")) {
        String sessionId = WsClient.JSON.readTree(old.readText().text()).path("session_id").asText();
        WsClient next = register(WsClient.connect(server.ws("session_id=" + sessionId)));
        next.next("session_started");
        // The old game does not know yet and goes on talking, then reads what it was sent.
        for (int i = 0; i < 200; i++) {
          old.sendText("{\"type\":\"ping\",\"id\":" + i + "}");
        }
        RawWebSocket.Frame close = old.readText();
        while (close.opcode() != RawWebSocket.CLOSE) {
          close = old.readText();
        }
        assertThat(close.closeCode()).as("close code in round " + round).isEqualTo(4000);
      }
    }
  }

  @Test
  void disconnectCancelsEveryActiveTurnUpstreamAndLeavesCompleteLogs() throws Exception {
    // Mira's turn waits for its state when the connection drops: the timeout must not end it first.
    start(llm, b -> b.stateTimeout(Duration.ofMinutes(10)));
    WsClient c = register(WsClient.connect(server.ws()));
    String sessionId = c.next("session_started").path("session_id").asText();
    JsonNode get = interact(c, "brom", "Greetings, guard");
    answer(c, get, BROM);
    c.nextOfType("agent_turn_finished");
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", get.path("turn_id").asText(),
        "tags", List.of(Map.of("tag", "speech", "content", "Hello.")));
    JsonNode get2 = streamingTurn(c, llm, "And then?", "Let me");
    JsonNode waiting = interact(c, "mira", "Are you there, Mira?");
    assertThat(server.server.activeTurnCount()).isEqualTo(2);
    c.cancel();

    await().atMost(Duration.ofSeconds(20)).until(() -> llm.awaitCall(1).cancelled());
    await().atMost(Duration.ofSeconds(20)).until(() -> server.server.activeTurnCount() == 0);
    Path sessionDir = logs.resolve(LogFileNames.forId(sessionId));
    Path conversation = sessionDir.resolve("conversation.txt");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(conversation));
    String text = Files.readString(conversation);
    assertThat(text).contains("Session " + sessionId, "== Agent brom ==", "Greetings, guard",
        "agent (turn " + get.path("turn_id").asText() + "): <speech>Hello.</speech>", "And then?");
    String agentLog = Files.readString(sessionDir.resolve(LogFileNames.forId("brom") + ".jsonl"));
    assertThat(agentLog).contains("\"type\":\"history\"", "\"type\":\"llm_request\"", "\"type\":\"turn_ended\"");
    // Both turns the disconnect cut short are recorded as cancelled.
    assertThat(agentLog).containsPattern("\"turn_id\":\"" + get2.path("turn_id").asText()
        + "\",\"outcome\":\"interrupted\",\"reason\":\"cancelled\"");
    String miraLog = Files.readString(sessionDir.resolve(LogFileNames.forId("mira") + ".jsonl"));
    assertThat(miraLog).contains("Are you there, Mira?").containsPattern("\"turn_id\":\""
        + waiting.path("turn_id").asText() + "\",\"outcome\":\"interrupted\",\"reason\":\"cancelled\"");
    assertThat(text).contains("== Agent mira ==", "turn " + waiting.path("turn_id").asText() + " interrupted (cancelled)");
  }

  @Test
  void everyHistoryEntryAndTheExactLlmRequestAreOnDiskWhileTheConnectionIsOpen() throws Exception {
    start(llm);
    WsClient c = register(WsClient.connect(server.ws()));
    String sessionId = c.next("session_started").path("session_id").asText();
    c.send("type", "notification_event", "agent_id", "brom", "event", Map.of("text", "The bell rings."));
    JsonNode get = interact(c, "brom", "Hello, guard");
    answer(c, get, Map.of("name", "Brom", "llm", Map.of("model", "guard-model", "temperature", 0.3, "max_tokens", 50)));
    c.nextOfType("agent_turn_finished");
    String turnId = get.path("turn_id").asText();
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", turnId,
        "tags", List.of(Map.of("tag", "speech", "content", "Move along.")));
    c.assertAlive("logged");

    // No disconnect, no shutdown: the records are on disk as they happen.
    Path agentLog = logs.resolve(LogFileNames.forId(sessionId)).resolve(LogFileNames.forId("brom") + ".jsonl");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(agentLog)
        && Files.readAllLines(agentLog).stream().filter(l -> l.contains("\"type\":\"history\"")).count() == 3);
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(agentLog)) {
      lines.add(WsClient.JSON.readTree(line));
    }
    assertThat(lines).extracting(n -> n.path("type").asText())
        .containsSubsequence("history", "history", "llm_request", "turn_ended", "history");
    assertThat(lines).filteredOn(n -> n.path("type").asText().equals("history"))
        .extracting(n -> n.path("entry").path("kind").asText()).containsExactly("event", "event", "turn");
    JsonNode request = lines.stream().filter(n -> n.path("type").asText().equals("llm_request")).findFirst()
        .orElseThrow();
    LlmRequest sent = llm.requests().get(0);
    assertThat(request.path("turn_id").asText()).isEqualTo(turnId);
    assertThat(request.path("model").asText()).isEqualTo(sent.model()).isEqualTo("guard-model");
    assertThat(request.path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(request.path("max_tokens").asInt()).isEqualTo(50);
    assertThat(request.path("messages")).hasSize(sent.messages().size());
    for (int i = 0; i < sent.messages().size(); i++) {
      assertThat(request.path("messages").get(i).path("role").asText()).isEqualTo(sent.messages().get(i).role().wireName());
      assertThat(request.path("messages").get(i).path("content").asText()).isEqualTo(sent.messages().get(i).content());
    }
  }

  @Test
  void hostileAgentIdStaysInsideTheLogsFolder() throws Exception {
    start(llm, b -> b.logsDir(logs.resolve("deep/inside/logs")));
    WsClient c = connect();
    JsonNode get = interact(c, "../../x", "Hi");
    answer(c, get, BROM);
    c.nextOfType("agent_turn_finished");
    c.close();
    Path inside = logs.resolve("deep/inside/logs");
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      try (Stream<Path> files = Files.walk(inside)) {
        return files.anyMatch(p -> p.getFileName().toString().equals("conversation.txt"));
      }
    });
    try (Stream<Path> files = Files.walk(logs)) {
      List<Path> all = files.filter(Files::isRegularFile).toList();
      assertThat(all).isNotEmpty().allSatisfy(p -> assertThat(p.startsWith(inside)).as(p.toString()).isTrue());
      assertThat(all).anyMatch(p -> p.getFileName().toString().startsWith("______x-"));
    }
    assertThat(Files.exists(logs.resolve("deep/x"))).isFalse();
  }

  @Test
  void shutdownInterruptsActiveTurnsAndClosesWith1001() {
    start(llm);
    WsClient c = connect();
    JsonNode get = streamingTurn(c, llm, "Go on", "I was saying");

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(server.server::close);
    JsonNode interrupted = c.nextOfType("agent_turn_interrupted");
    assertThat(interrupted.path("turn_id").asText()).isEqualTo(get.path("turn_id").asText());
    assertThat(interrupted.path("reason").asText()).isEqualTo("shutdown");
    assertThat(c.awaitEnd()).isEqualTo(1001);
    stopped.join();
    await().atMost(Duration.ofSeconds(20)).until(() -> llm.awaitCall(0).cancelled());
  }

  /**
   * A turn's events reach the game through whichever thread runs its agent's work at the moment:
   * here the turn thread that asks the model's name just before {@code agent_turn_started}, and it
   * asks only once the shutdown has ended the turn. Its {@code agent_turn_interrupted} still comes
   * before the close with 1001.
   */
  @Test
  void shutdownSendsTheTerminalMessageAnotherThreadDeliversBeforeTheClose() {
    AtomicBoolean asked = new AtomicBoolean();
    AtomicReference<WsClient> client = new AtomicReference<>();
    ListAppender<ILoggingEvent> serverLog = new ListAppender<>();
    serverLog.start();
    Logger serverLogger = (Logger) LoggerFactory.getLogger(AgentServer.class);
    serverLogger.addAppender(serverLog);
    start(new LlmClient() {
      @Override
      public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
        return llm.stream(request, handler);
      }

      @Override
      public String modelFor(LlmRequest request) {
        asked.set(true);
        // Held until the connection is closed (the terminal message would then come too late) or
        // until close() waits for the terminal message.
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get().hasEnded() || List.copyOf(serverLog.list)
            .stream().anyMatch(e -> e.getFormattedMessage().startsWith("waiting for the terminal messages")));
        return "held";
      }
    });
    try {
      llm.enqueue(ScriptedLlmClient.Script.hanging("<speech>Before the gate"));
      WsClient c = connect();
      client.set(c);
      JsonNode get = interact(c, "brom", "Last words?");
      answer(c, get, BROM);
      await().atMost(Duration.ofSeconds(20)).untilTrue(asked);

      server.server.close();

      assertThat(c.awaitEnd()).isEqualTo(1001);
      assertThat(c.received()).filteredOn(f -> f.path("type").asText().startsWith("agent_turn_"))
          .extracting(f -> f.path("type").asText() + " " + f.path("turn_id").asText() + " " + f.path("reason").asText())
          .containsExactly("agent_turn_started " + get.path("turn_id").asText() + " ",
              "agent_turn_interrupted " + get.path("turn_id").asText() + " shutdown");
    } finally {
      serverLogger.detachAppender(serverLog);
    }
  }

  @Test
  void shutdownLeavesCompleteLogsOfTheSessionsStillConnected() throws Exception {
    start(llm);
    WsClient c = register(WsClient.connect(server.ws()));
    String sessionId = c.next("session_started").path("session_id").asText();
    JsonNode get = streamingTurn(c, llm, "Last words?", "Before the gate closes");

    // close() returns once the logs are complete: no waiting after it.
    server.server.close();
    Path sessionDir = logs.resolve(LogFileNames.forId(sessionId));
    assertThat(sessionDir.resolve("conversation.txt")).exists().content().contains("Last words?");
    assertThat(Files.readAllLines(sessionDir.resolve("session.jsonl")))
        .last().asString().contains("\"type\":\"session_closed\"");
    assertThat(Files.readString(sessionDir.resolve(LogFileNames.forId("brom") + ".jsonl")))
        .contains("\"type\":\"turn_ended\"", "\"reason\":\"shutdown\"");
  }

  @Test
  void closeFromATurnThreadIsRefusedAndLeavesTheServerServing() {
    AtomicReference<Object> outcome = new AtomicReference<>();
    // The engine starts the model call on the server's turn pool, once the snapshot has arrived.
    start(new LlmClient() {
      @Override
      public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
        try {
          server.server.close();
          outcome.set("close() returned on " + Thread.currentThread().getName());
        } catch (IllegalStateException e) {
          outcome.set(e);
        }
        return () -> {};
      }

      @Override
      public String name() {
        return "closing";
      }
    });
    WsClient c = connect();
    JsonNode get = interact(c, "brom", "Hi");
    answer(c, get, BROM);
    await().atMost(Duration.ofSeconds(60)).until(() -> outcome.get() != null);
    assertThat(outcome.get()).isInstanceOf(IllegalStateException.class);
    c.nextOfType("agent_turn_started");
    c.assertAlive("still-serving");
  }

  @Test
  void closeFromAnEventLoopIsRefusedAndLeavesTheServerServing() {
    AtomicBoolean armed = new AtomicBoolean();
    AtomicReference<Object> outcome = new AtomicReference<>();
    // The pong's server_time_ms is read from the clock on the connection's event loop.
    Clock closing = new Clock() {
      @Override
      public long millis() {
        if (armed.compareAndSet(true, false)) {
          try {
            server.server.close();
            outcome.set("close() returned on " + Thread.currentThread().getName());
          } catch (IllegalStateException e) {
            outcome.set(Thread.currentThread().getName() + ": " + e.getMessage());
          }
        }
        return System.currentTimeMillis();
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(System.currentTimeMillis());
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
    start(llm, closing);
    WsClient c = connect();
    armed.set(true);
    c.send("type", "ping", "id", "close-now");
    assertThat(c.next("pong").path("id").asText()).isEqualTo("close-now");
    assertThat(outcome.get()).asString().startsWith("multiThreadIoEventLoopGroup")
        .contains("call it from an application thread");
    c.assertAlive("still-serving");
    JsonNode get = interact(c, "brom", "Hi");
    answer(c, get, BROM);
    assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void aSessionHasAtMostTheConfiguredNumberOfAgentsAcrossConnections() {
    start(llm, b -> b.maxAgentsPerSession(2));
    WsClient c1 = register(WsClient.connect(server.ws()));
    String sessionId = c1.next("session_started").path("session_id").asText();
    c1.send("type", "agent_state_snapshot", "agent_id", "a", "state", BROM);
    c1.send("type", "notification_event", "agent_ids", List.of("a", "b"), "event", Map.of("text", "Rain."));
    c1.assertAlive("two-agents");

    c1.send("type", "interaction_event", "agent_id", "c", "event", Map.of("text", "Hi"));
    JsonNode refused = c1.next("error");
    assertThat(refused.path("code").asText()).isEqualTo("limit_exceeded");
    assertThat(refused.path("in_reply_to").asText()).isEqualTo("interaction_event");
    assertThat(refused.path("agent_id").asText()).isEqualTo("c");
    // All or none: a notification naming a known and a new agent is refused whole.
    c1.send("type", "notification_event", "agent_ids", List.of("a", "d"), "event", Map.of("text", "Thunder."));
    assertThat(c1.next("error").path("code").asText()).isEqualTo("limit_exceeded");
    c1.send("type", "agent_state_snapshot", "agent_id", "e", "state", BROM);
    assertThat(c1.next("error").path("code").asText()).isEqualTo("limit_exceeded");
    // The agents it has keep working.
    JsonNode get = interact(c1, "b", "Still here?");
    answer(c1, get, BROM);
    c1.nextOfType("agent_turn_finished");
    c1.close();
    awaitOpenSessions(0);

    // The count belongs to the session, not the connection.
    WsClient c2 = register(WsClient.connect(server.ws("session_id=" + sessionId)));
    assertThat(c2.next("session_started").path("resumed").asBoolean()).isTrue();
    c2.send("type", "interaction_event", "agent_id", "c", "event", Map.of("text", "Hi again"));
    assertThat(c2.next("error").path("code").asText()).isEqualTo("limit_exceeded");
    assertThat(llm.requests()).hasSize(1);
    assertThat(llm.requests().get(0).messages().toString()).contains("Rain.").doesNotContain("Thunder.");
  }

}
