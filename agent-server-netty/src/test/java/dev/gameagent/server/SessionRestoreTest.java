package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.testing.ScriptedLlmClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A disconnected session resumes from its logs after a server restart. */
class SessionRestoreTest extends EndToEndTest {
  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void closeLlm() {
    llm.close();
  }

  /**
   * On the first server: a turn for brom (its event), a notification, brom's confirmed speech; then
   * the connection closes and the server stops.
   *
   * @return the turn's id
   */
  private String firstRun(String sessionId) {
    start(llm);
    WsClient c = register(WsClient.connect(server.ws("session_id=" + sessionId)));
    assertThat(c.next("session_started").path("resumed").asBoolean()).isFalse();
    JsonNode get = interact(c, "brom", "My name is Aldric", "mood", "cheerful");
    answer(c, get, BROM);
    c.nextOfType("agent_turn_finished");
    c.send("type", "notification_event", "agent_ids", List.of("brom"),
        "event", Map.of("kind", "weather", "text", "Thunder rolls over the hills."));
    String turnId = get.path("turn_id").asText();
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", turnId,
        "tags", List.of(Map.of("tag", "speech", "content", "Well met, Aldric.")));
    c.assertAlive("before-close");
    c.close();
    awaitOpenSessions(0);
    server.close();
    server = null;
    return turnId;
  }

  private static String promptText(LlmRequest request) {
    return request.messages().stream().map(ChatMessage::content).collect(Collectors.joining("\n"));
  }

  private Path agentLog(String sessionId, String agentId) {
    return logs.resolve(LogFileNames.forId(sessionId)).resolve(LogFileNames.forId(agentId) + ".jsonl");
  }

  /** Runs a turn for brom on the new server and returns its LLM request's text. */
  private String nextTurnPrompt(WsClient c) {
    JsonNode get = interact(c, "brom", "What is my name?");
    answer(c, get, BROM);
    c.nextOfType("agent_turn_finished");
    return promptText(llm.requests().get(llm.requests().size() - 1));
  }

  @Test
  void afterARestartTheSessionResumesWithItsHistoryFromTheLogs() throws Exception {
    String oldTurn = firstRun("save-slot-1");

    start(llm);
    WsClient c = register(WsClient.connect(server.ws("session_id=save-slot-1")));
    // Sent at once: what arrives while the logs are read is answered after session_started, in order.
    c.send("type", "ping", "id", "early-1");
    c.send("type", "ping", "id", "early-2");
    JsonNode started = c.next("session_started");
    assertThat(started.path("session_id").asText()).isEqualTo("save-slot-1");
    assertThat(started.path("resumed").asBoolean()).isTrue();
    assertThat(c.next("pong").path("id").asText()).isEqualTo("early-1");
    assertThat(c.next("pong").path("id").asText()).isEqualTo("early-2");

    String prompt = nextTurnPrompt(c);
    int event = prompt.indexOf("My name is Aldric");
    int notification = prompt.indexOf("Thunder rolls over the hills.");
    int speech = prompt.indexOf("Well met, Aldric.");
    int question = prompt.indexOf("What is my name?");
    assertThat(event).as(prompt).isGreaterThanOrEqualTo(0);
    // The confirmed speech takes its turn's place: right after the event its prompt saw.
    assertThat(speech).as(prompt).isGreaterThan(event);
    assertThat(notification).as(prompt).isGreaterThan(speech);
    assertThat(question).as(prompt).isGreaterThan(notification);
    assertThat(prompt).contains("cheerful");

    // The restored turn is history, not a turn of this run: its result is unknown_turn.
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", oldTurn,
        "tags", List.of(Map.of("tag", "speech", "content", "Again.")));
    assertThat(c.next("error").path("code").asText()).isEqualTo("unknown_turn");

    // Appending continues into the same file: the new question follows the old records.
    server.close();
    server = null;
    String log = Files.readString(agentLog("save-slot-1", "brom"));
    assertThat(log.indexOf("What is my name?")).isGreaterThan(log.indexOf("Well met, Aldric."));
  }

  @Test
  void afterARestartNewTurnsNeverReuseTheIdOfATurnThatWasNeverConfirmed() throws Exception {
    String confirmed = firstRun("save-slot-3");
    start(llm);
    WsClient first = register(WsClient.connect(server.ws("session_id=save-slot-3")));
    first.next("session_started");
    JsonNode unconfirmed = interact(first, "brom", "Are you there?");
    answer(first, unconfirmed, BROM);
    first.nextOfType("agent_turn_finished");
    first.close(); // the server goes down before the game confirms what it showed
    awaitOpenSessions(0);
    server.close();
    server = null;

    start(llm);
    WsClient c = register(WsClient.connect(server.ws("session_id=save-slot-3")));
    assertThat(c.next("session_started").path("resumed").asBoolean()).isTrue();
    JsonNode get = interact(c, "brom", "Hello again");
    String newTurn = get.path("turn_id").asText();
    assertThat(newTurn).isNotIn(confirmed, unconfirmed.path("turn_id").asText());
    answer(c, get, BROM);
    c.nextOfType("agent_turn_finished");

    // The game's late result for the old turn must not be taken for the new one.
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", unconfirmed.path("turn_id").asText(),
        "tags", List.of(Map.of("tag", "speech", "content", "Late.")));
    assertThat(c.next("error").path("code").asText()).isEqualTo("unknown_turn");
  }

  @Test
  void afterARestartAStateTimeoutFallsBackToTheAgentsLastCachedSpec() throws Exception {
    start(llm);
    WsClient first = register(WsClient.connect(server.ws("session_id=cached-spec")));
    first.next("session_started");
    // Brom's spec changes twice (the last one counts), Mira's is forgotten by a reset.
    first.send("type", "agent_state_snapshot", "agent_id", "brom", "state", Map.of("name", "Brom the First"));
    JsonNode get = interact(first, "brom", "Hello");
    answer(first, get, Map.of("name", "Brom the Remembered", "mood", "wary"));
    first.nextOfType("agent_turn_finished");
    first.send("type", "agent_state_snapshot", "agent_id", "mira", "state", Map.of("name", "Mira"));
    first.send("type", "reset_agent", "agent_id", "mira");
    first.assertAlive("specs-sent");
    first.close();
    awaitOpenSessions(0);
    server.close();

    start(llm, b -> b.stateTimeout(Duration.ofMillis(300)));
    WsClient c = register(WsClient.connect(server.ws("session_id=cached-spec")));
    assertThat(c.next("session_started").path("resumed").asBoolean()).isTrue();
    // No snapshot: the state request times out and the turn runs on the restored spec.
    JsonNode unanswered = interact(c, "brom", "Still there?");
    List<JsonNode> turn = readTurn(c, unanswered.path("turn_id").asText());
    assertThat(types(turn)).startsWith("agent_turn_started").endsWith("agent_turn_finished");
    assertThat(turn.get(turn.size() - 1).path("finish_reason").asText()).isEqualTo("stop");
    String prompt = promptText(llm.requests().get(llm.requests().size() - 1));
    assertThat(prompt).contains("Brom the Remembered", "wary", "Hello", "Still there?").doesNotContain("Brom the First");
    // Mira's spec was reset before the restart: nothing to fall back on.
    JsonNode mira = interact(c, "mira", "Hi Mira");
    JsonNode finished = c.next("agent_turn_finished");
    assertThat(finished.path("turn_id").asText()).isEqualTo(mira.path("turn_id").asText());
    assertThat(finished.path("error").path("code").asText()).isEqualTo("state_timeout");
  }

  @Test
  void aSessionPastItsRetentionInMemoryResumesFromItsLogs() throws Exception {
    start(llm, b -> b.sessionRetention(Duration.ofMillis(50)));
    WsClient first = register(WsClient.connect(server.ws("session_id=forgotten")));
    first.next("session_started");
    JsonNode get = interact(first, "brom", "My name is Aldric");
    answer(first, get, BROM);
    first.nextOfType("agent_turn_finished");
    first.close();
    // The sweep forgets the session from memory once its retention has passed.
    await().atMost(Duration.ofSeconds(20)).until(() ->
        WsClient.JSON.readTree(server.get("/health").body()).path("stored_sessions").asInt() == 0);

    WsClient c = register(WsClient.connect(server.ws("session_id=forgotten")));
    assertThat(c.next("session_started").path("resumed").asBoolean()).isTrue();
    assertThat(nextTurnPrompt(c)).contains("My name is Aldric");
  }

  @Test
  void aTruncatedLastLineStillRestoresTheRest() throws Exception {
    firstRun("crashed");
    Files.writeString(agentLog("crashed", "brom"), "{\"ts\":\"2026-11-25T10:00:00Z\",\"type\":\"hist",
        StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    start(llm);
    WsClient c = register(WsClient.connect(server.ws("session_id=crashed")));
    assertThat(c.next("session_started").path("resumed").asBoolean()).isTrue();
    String prompt = nextTurnPrompt(c);
    assertThat(prompt).contains("My name is Aldric", "Well met, Aldric.", "Thunder rolls over the hills.");
  }

  @Test
  void anIdWithoutLogsOpensAFreshSession() {
    firstRun("slot-a");

    start(llm);
    WsClient c = register(WsClient.connect(server.ws("session_id=slot-b")));
    JsonNode started = c.next("session_started");
    assertThat(started.path("session_id").asText()).isEqualTo("slot-b");
    assertThat(started.path("resumed").asBoolean()).isFalse();
    assertThat(nextTurnPrompt(c)).doesNotContain("My name is Aldric");
  }

  @Test
  void aHostileSessionIdNeverReadsOutsideTheLogsFolder() throws Exception {
    Path inside = logs.resolve("deep/inside/logs");
    // A session folder an unsafe resolution of "../../x" would find: logs of a session named "../../x".
    Path outside = logs.resolve("deep/x");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("session.jsonl"),
        "{\"ts\":\"2026-11-25T10:00:00Z\",\"type\":\"session_opened\",\"session_id\":\"../../x\"}\n");
    Files.writeString(outside.resolve("brom.jsonl"), "{\"ts\":\"2026-11-25T10:00:00Z\",\"type\":\"history\","
        + "\"session_id\":\"../../x\",\"agent_id\":\"brom\",\"entry\":{\"kind\":\"event\",\"disposition\":"
        + "\"notification\",\"event\":{\"event_id\":\"e-1\",\"kind\":\"event\",\"text\":\"SECRET OUTSIDE\","
        + "\"timestamp\":\"2026-11-25T10:00:00Z\",\"on_busy\":\"interrupt\",\"data\":{}}}}\n");
    Files.createDirectories(inside);

    start(llm, b -> b.logsDir(inside));
    WsClient c = register(WsClient.connect(server.ws("session_id=..%2F..%2Fx")));
    JsonNode started = c.next("session_started");
    assertThat(started.path("session_id").asText()).isEqualTo("../../x");
    assertThat(started.path("resumed").asBoolean()).isFalse();
    assertThat(nextTurnPrompt(c)).doesNotContain("SECRET OUTSIDE");
    c.close();
    awaitOpenSessions(0);
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      try (Stream<Path> files = Files.walk(inside)) {
        return files.anyMatch(p -> p.getFileName().toString().equals("conversation.txt"));
      }
    });
    // Its own logs were written inside, under the sanitized name.
    try (Stream<Path> files = Files.list(inside)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("______x-"));
    }
  }
}
