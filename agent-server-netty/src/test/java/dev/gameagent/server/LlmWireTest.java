package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Turns through agent-llm's real OpenAI-compatible adapter against MockWebServer. */
class LlmWireTest extends EndToEndTest {
  private final OpenAiMock mock = new OpenAiMock();

  @AfterEach
  void closeMock() throws Exception {
    mock.close();
  }

  @Test
  void newEventInterruptsTheOldTurnFirstAndClosesItsUpstreamStream() throws Exception {
    start(mock.client);
    WsClient c = connect();
    SseStream first = new SseStream().content("<speech>Let me tell you", " a long story").untilClientCloses();
    mock.enqueue(first);
    mock.enqueue(new SseStream().content("<speech>Yes?</speech>").finish("stop"));

    JsonNode get1 = interact(c, "brom", "Tell me a story", "event_id", "e-1");
    answer(c, get1, BROM);
    c.nextOfType("agent_tag_chunk");

    c.send("type", "interaction_event", "agent_id", "brom", "event", Map.of("event_id", "e-2", "text", "Stop!"));
    JsonNode interrupted = c.nextOfType("agent_turn_interrupted");
    assertThat(interrupted.path("turn_id").asText()).isEqualTo(get1.path("turn_id").asText());
    assertThat(interrupted.path("reason").asText()).isEqualTo("superseded");
    assertThat(interrupted.path("by_event_id").asText()).isEqualTo("e-2");
    JsonNode get2 = c.next("get_agent_state");
    assertThat(get2.path("event_id").asText()).isEqualTo("e-2");
    answer(c, get2, BROM);
    List<JsonNode> second = readTurn(c, get2.path("turn_id").asText());
    assertThat(types(second)).first().isEqualTo("agent_turn_started");
    assertThat(second.get(second.size() - 1).path("finish_reason").asText()).isEqualTo("stop");

    // The old turn's interruption came before anything of the new turn.
    List<JsonNode> all = c.received();
    int interruptedAt = indexOf(all, "agent_turn_interrupted", get1.path("turn_id").asText());
    int startedAt = indexOf(all, "agent_turn_started", get2.path("turn_id").asText());
    assertThat(interruptedAt).isLessThan(startedAt);
    assertThat(first.awaitClientClosed()).as("the provider saw the old stream closed").isTrue();
  }

  @Test
  void aModelStreamSilentForTheStreamIdleTimeoutEndsTheTurnWithLlmErrorAndClosesTheUpstreamStream() throws Exception {
    // The adapter's own read timeouts are far longer, so what ends the turn is the server's setting.
    try (OpenAiMock patient = new OpenAiMock(b -> b.idleTimeout(Duration.ofMinutes(2))
        .firstTokenTimeout(Duration.ofMinutes(2)))) {
      start(patient.client, b -> b.streamIdleTimeout(Duration.ofSeconds(2)));
      WsClient c = connect();
      SseStream stalled = new SseStream().content("<speech>Well").silentUntilReleased().untilClientCloses();
      patient.enqueue(stalled);

      JsonNode get = interact(c, "brom", "Tell me everything");
      answer(c, get, BROM);
      List<JsonNode> turn = readTurn(c, get.path("turn_id").asText());
      stalled.release();

      assertThat(types(turn)).containsExactly("agent_turn_started", "agent_tag_open", "agent_tag_chunk",
          "agent_tag_close", "agent_turn_finished");
      JsonNode close = turn.get(3);
      assertThat(close.path("tag").asText()).isEqualTo("speech");
      assertThat(close.path("content").asText()).isEqualTo("Well");
      assertThat(close.path("complete").asBoolean()).isFalse();
      assertThat(close.has("complete")).isTrue();
      JsonNode finished = turn.get(4);
      assertThat(finished.path("finish_reason").asText()).isEqualTo("error");
      assertThat(finished.path("error").path("code").asText()).isEqualTo("llm_error");
      assertThat(finished.path("error").path("message").asText()).isEqualTo("the model sent nothing for 2000 ms");
      assertThat(stalled.awaitClientClosed()).as("the provider saw the stalled stream closed").isTrue();
      c.assertAlive("after-idle-timeout");
    }
  }

  @Test
  void aModelStreamKeptOpenByKeepAliveCommentsAloneEndsAtTheAdaptersIdleTimeout() throws Exception {
    // Comments reset the socket's read timeout but are no event: once the answer started, the
    // adapter's idle timeout (1 s) ends the turn, before the server's stream idle timeout (3 s).
    try (OpenAiMock chatty = new OpenAiMock(b -> b.idleTimeout(Duration.ofSeconds(1)))) {
      start(chatty.client, b -> b.streamIdleTimeout(Duration.ofSeconds(3)));
      WsClient c = connect();
      SseStream commentsOnly = new SseStream().content("<speech>Well").untilClientCloses();
      chatty.enqueue(commentsOnly);

      JsonNode get = interact(c, "brom", "Tell me everything");
      answer(c, get, BROM);
      JsonNode finished = c.nextOfType("agent_turn_finished");
      assertThat(finished.path("finish_reason").asText()).isEqualTo("error");
      assertThat(finished.path("error").path("code").asText()).isEqualTo("llm_error");
      assertThat(finished.path("error").path("message").asText()).isEqualTo("the provider sent nothing for 1000 ms");
      assertThat(commentsOnly.awaitClientClosed()).isTrue();
    }
  }

  @Test
  void notificationAndConfirmedPartialTurnReachTheNextPromptButUnconfirmedTextDoesNot() {
    start(mock.client);
    WsClient c = connect();
    mock.enqueue(new SseStream().content("<speech>Halt! Who goes th", "ere? I guard the gate of Hollowmere.</speech>")
        .finish("stop"));
    mock.enqueue(new SseStream().content("<speech>Welcome back.</speech>").finish("stop"));

    JsonNode get1 = interact(c, "brom", "Hello there");
    answer(c, get1, BROM);
    String turn1 = get1.path("turn_id").asText();
    c.nextOfType("agent_turn_finished");
    mock.takeRequestBody();

    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", turn1, "interrupted", true,
        "tags", List.of(Map.of("tag", "speech", "content", "Halt! Who goes th")));
    c.send("type", "notification_event", "agent_ids", List.of("brom"),
        "event", Map.of("kind", "world", "text", "The church bell rings twice"));
    c.assertAlive("confirmed");

    JsonNode get2 = interact(c, "brom", "Hello again");
    answer(c, get2, BROM);
    c.nextOfType("agent_turn_finished");
    String body = mock.takeRequestBody();
    assertThat(body).contains("Halt! Who goes th").contains("The church bell rings twice").contains("Hello again")
        .doesNotContain("Hollowmere");

    // A second result for the same turn is refused.
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", turn1, "buffer", "<speech>Halt!</speech>");
    assertThat(c.next("error").path("code").asText()).isEqualTo("duplicate_turn_result");
  }

  @Test
  void apiKeyIsInNoLogAtDebugWhileRequestLogsExist() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    Main.applyLogLevel("DEBUG");
    try {
      start(mock.client, b -> b.token("tok-DO-NOT-LOG-77").llmEnvironment(Map.of("OPENAI_API_KEY", OpenAiMock.API_KEY)));
      WsClient c = register(WsClient.connect(server.ws("token=tok-DO-NOT-LOG-77")));
      c.next("session_started");
      mock.enqueue(new SseStream().content("<speech>Greetings.</speech>").finish("stop"));
      mock.server.enqueue(new mockwebserver3.MockResponse.Builder().code(401)
          .body("{\"error\":{\"message\":\"Incorrect API key provided: " + OpenAiMock.API_KEY + "\"}}").build());
      JsonNode get = interact(c, "brom", "Hi");
      answer(c, get, BROM);
      c.nextOfType("agent_turn_finished");
      JsonNode get2 = interact(c, "brom", "Hi again");
      answer(c, get2, BROM);
      JsonNode failed = c.nextOfType("agent_turn_finished");
      assertThat(failed.path("finish_reason").asText()).isEqualTo("error");
      assertThat(failed.path("error").path("code").asText()).isEqualTo("llm_error");
      assertThat(failed.path("error").path("status").asInt()).isEqualTo(401);
      assertThat(failed.toString()).doesNotContain(OpenAiMock.API_KEY);
      c.close();
      await().atMost(Duration.ofSeconds(20)).until(() -> allLogFiles().stream().anyMatch(p -> p.endsWith("conversation.txt")));
      server.close();
    } finally {
      root.setLevel(before);
      root.detachAppender(captured);
    }

    List<Path> files = allLogFiles();
    String everything = "";
    for (Path p : files) {
      everything += Files.readString(p);
    }
    assertThat(everything).contains("\"type\":\"llm_request\"").contains("\"role\":\"system\"").contains("Hi again")
        .doesNotContain(OpenAiMock.API_KEY).doesNotContain("tok-DO-NOT-LOG-77");
    assertThat(captured.list).isNotEmpty();
    assertThat(captured.list).anyMatch(e -> e.getLevel() == Level.DEBUG);
    for (ILoggingEvent e : captured.list) {
      String line = e.getFormattedMessage() + " " + e.getKeyValuePairs() + " "
          + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertThat(line).doesNotContain(OpenAiMock.API_KEY).doesNotContain("tok-DO-NOT-LOG-77");
    }
  }

  private List<Path> allLogFiles() throws Exception {
    try (Stream<Path> walk = Files.walk(logs)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static int indexOf(List<JsonNode> frames, String type, String turnId) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).path("type").asText().equals(type) && frames.get(i).path("turn_id").asText().equals(turnId)) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " for " + turnId);
  }
}
