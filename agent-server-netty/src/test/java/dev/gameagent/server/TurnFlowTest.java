package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Turns end to end with a scripted model: the messages, on_busy, concurrency, timeouts, tools, cancel, reset. */
class TurnFlowTest extends EndToEndTest {
  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void closeLlm() {
    llm.close();
  }

  @Test
  void fullTurnWithEveryMessageChecked() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.of("<speech>Halt! Who", " goes there?</speech>", "<emotion>angry</emotion>",
        "<action name=\"wave\"/>"));
    JsonNode get = interact(c, "brom", "Hello", "event_id", "e-1");
    assertThat(get.path("request_id").asText()).isNotBlank();
    assertThat(get.path("event_id").asText()).isEqualTo("e-1");
    String turnId = get.path("turn_id").asText();
    assertThat(turnId).isNotBlank();
    answer(c, get, BROM);

    List<JsonNode> turn = readTurn(c, turnId);
    assertThat(types(turn)).first().isEqualTo("agent_turn_started");
    assertThat(types(turn)).last().isEqualTo("agent_turn_finished");
    JsonNode started = turn.get(0);
    assertThat(started.path("agent_id").asText()).isEqualTo("brom");
    assertThat(started.path("event_id").asText()).isEqualTo("e-1");
    assertThat(started.path("cause").asText()).isEqualTo("interaction_event");
    assertThat(started.path("model").asText()).isNotBlank();
    assertThat(started.path("prompt").path("message_count").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(started.path("prompt").path("history_included").asInt()).isGreaterThanOrEqualTo(0);
    assertThat(started.path("prompt").path("history_dropped").asInt()).isZero();
    assertThat(started.path("prompt").path("estimated_tokens").asInt()).isPositive();

    List<JsonNode> opens = turn.stream().filter(f -> f.path("type").asText().equals("agent_tag_open")).toList();
    List<JsonNode> closes = turn.stream().filter(f -> f.path("type").asText().equals("agent_tag_close")).toList();
    assertThat(opens).extracting(f -> f.path("tag").asText()).containsExactly("speech", "emotion", "action");
    assertThat(opens).extracting(f -> f.path("index").asInt()).containsExactly(0, 1, 2);
    assertThat(opens.get(2).path("attributes").path("name").asText()).isEqualTo("wave");
    assertThat(closes).extracting(f -> f.path("content").asText())
        .containsExactly("Halt! Who goes there?", "angry", "");
    assertThat(closes).allSatisfy(f -> assertThat(f.path("complete").asBoolean()).isTrue());
    String speech = turn.stream().filter(f -> f.path("type").asText().equals("agent_tag_chunk")
        && f.path("index").asInt() == 0).map(f -> f.path("text").asText()).reduce("", String::concat);
    assertThat(speech).isEqualTo("Halt! Who goes there?");
    turn.forEach(f -> assertThat(f.path("agent_id").asText()).isEqualTo("brom"));

    JsonNode finished = turn.get(turn.size() - 1);
    assertThat(finished.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(finished.path("rejected").isArray()).isTrue();
    assertThat(finished.path("rejected")).isEmpty();
    assertThat(finished.has("error")).isFalse();
    assertThat(finished.path("timing").has("state_ms")).isTrue();
    assertThat(finished.path("timing").has("first_token_ms")).isTrue();
    assertThat(finished.path("timing").has("total_ms")).isTrue();

    c.assertAlive("after-turn");
    assertThat(llm.requests()).hasSize(1);
    assertThat(llm.requests().get(0).messages().get(llm.requests().get(0).messages().size() - 1).content())
        .contains("Hello");
  }

  @Test
  void queuedEventStartsAfterTheActiveTurnEnds() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.builder().text("<speech>One").pause().text(" done.</speech>").complete("stop", null).build());
    JsonNode first = interact(c, "brom", "First", "event_id", "e-1");
    answer(c, first, BROM);
    c.nextOfType("agent_tag_chunk");

    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", "e-2", "text", "Second", "on_busy", "queue"));
    // Queuing sends nothing: the next message is the pong.
    c.assertAlive("queued");
    llm.awaitCall(0).release();
    JsonNode finished = c.nextOfType("agent_turn_finished");
    assertThat(finished.path("turn_id").asText()).isEqualTo(first.path("turn_id").asText());
    assertThat(finished.path("finish_reason").asText()).isEqualTo("stop");
    JsonNode second = c.next("get_agent_state");
    assertThat(second.path("event_id").asText()).isEqualTo("e-2");
    answer(c, second, BROM);
    assertThat(c.nextOfType("agent_turn_finished").path("turn_id").asText()).isEqualTo(second.path("turn_id").asText());
  }

  @Test
  void droppedEventStartsNothingAndIsRecordedInHistory() throws Exception {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.builder().text("<speech>One").pause().text(" done.</speech>").complete("stop", null).build());
    JsonNode first = interact(c, "brom", "First");
    answer(c, first, BROM);
    c.nextOfType("agent_tag_chunk");
    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", "e-dropped", "text", "Ignored", "on_busy", "drop"));
    c.assertAlive("dropped");
    llm.awaitCall(0).release();
    c.nextOfType("agent_turn_finished");
    // Nothing starts: the next message after the terminal one is our pong.
    c.assertAlive("nothing-started");
    assertThat(llm.callCount()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> logText().contains("e-dropped"));
    assertThat(logText()).contains("\"disposition\":\"dropped\"");
  }

  @Test
  void twoAgentsStreamAtOnce() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.builder().text("<speech>I am A").pause().text(".</speech>").complete("stop", null).build());
    llm.enqueue(Script.builder().text("<speech>I am B").pause().text(".</speech>").complete("stop", null).build());
    JsonNode a = interact(c, "a", "Hi A");
    answer(c, a, Map.of("name", "A"));
    JsonNode chunkA = c.nextOfType("agent_tag_chunk");
    JsonNode b = interact(c, "b", "Hi B");
    answer(c, b, Map.of("name", "B"));
    JsonNode chunkB = c.nextOfType("agent_tag_chunk");
    // Both are mid-stream: neither turn has ended, and B's event did not interrupt A.
    assertThat(chunkA.path("agent_id").asText()).isEqualTo("a");
    assertThat(chunkB.path("agent_id").asText()).isEqualTo("b");
    llm.awaitCall(1).release();
    llm.awaitCall(0).release();
    JsonNode end1 = c.nextOfType("agent_turn_finished");
    JsonNode end2 = c.nextOfType("agent_turn_finished");
    assertThat(List.of(end1.path("agent_id").asText(), end2.path("agent_id").asText())).containsExactlyInAnyOrder("a", "b");
    assertThat(c.received()).noneMatch(f -> f.path("type").asText().equals("agent_turn_interrupted"));
  }

  @Test
  void stateTimeoutWithoutCachedSpecEndsTheTurnWithAnError() {
    start(llm, b -> b.stateTimeout(Duration.ofMillis(300)));
    WsClient c = connect();
    JsonNode get = interact(c, "brom", "Anyone?");
    JsonNode finished = c.next("agent_turn_finished");
    assertThat(finished.path("turn_id").asText()).isEqualTo(get.path("turn_id").asText());
    assertThat(finished.path("finish_reason").asText()).isEqualTo("error");
    assertThat(finished.path("error").path("code").asText()).isEqualTo("state_timeout");
    assertThat(llm.callCount()).isZero();
    // The late snapshot is unsolicited now: it is cached, and answered with nothing.
    answer(c, get, BROM);
    c.assertAlive("late");
  }

  @Test
  void stateTimeoutWithCachedSpecUsesTheCachedSpec() {
    start(llm, b -> b.stateTimeout(Duration.ofMillis(300)));
    WsClient c = connect();
    c.send("type", "agent_state_snapshot", "agent_id", "brom", "state", Map.of("name", "Brom the Cached"));
    c.assertAlive("cached");
    JsonNode get = interact(c, "brom", "Anyone?");
    List<JsonNode> turn = readTurn(c, get.path("turn_id").asText());
    assertThat(types(turn)).startsWith("agent_turn_started").endsWith("agent_turn_finished");
    assertThat(turn.get(turn.size() - 1).path("finish_reason").asText()).isEqualTo("stop");
    assertThat(llm.requests().get(0).messages().get(0).content()).contains("Brom the Cached");
  }

  @Test
  void toolCallThenToolResultsStartAContinuation() {
    start(llm);
    WsClient c = connect();
    Map<String, Object> spec = Map.of("name", "Brom", "tools", List.of(Map.of("name", "check_inventory",
        "description", "Look up an item", "parameters",
        Map.of("type", "object", "properties", Map.of("item", Map.of("type", "string"))))));
    llm.enqueue(Script.of("<speech>Let me look.</speech>",
        "<tool_call name=\"check_inventory\">{\"item\":\"gate key\"}</tool_call>"));
    llm.enqueue(Script.of("<speech>I have the gate key.</speech>"));
    JsonNode get = interact(c, "brom", "Do you have the key?", "event_id", "e-key");
    answer(c, get, spec);
    String turnId = get.path("turn_id").asText();
    List<JsonNode> turn = readTurn(c, turnId);
    JsonNode toolOpen = turn.stream().filter(f -> f.path("type").asText().equals("agent_tag_open")
        && f.path("tag").asText().equals("tool_call")).findFirst().orElseThrow();
    String callId = toolOpen.path("attributes").path("call_id").asText();
    assertThat(callId).isEqualTo(turnId + ".c1");
    assertThat(toolOpen.path("attributes").path("name").asText()).isEqualTo("check_inventory");
    JsonNode finished = turn.get(turn.size() - 1);
    assertThat(finished.path("finish_reason").asText()).isEqualTo("tool_calls");

    c.send("type", "tool_results", "agent_id", "brom", "turn_id", turnId, "results",
        List.of(Map.of("call_id", callId, "name", "check_inventory", "output", Map.of("found", true))));
    JsonNode again = c.next("get_agent_state");
    assertThat(again.path("event_id").asText()).isEqualTo("e-key");
    assertThat(again.path("turn_id").asText()).isNotEqualTo(turnId);
    answer(c, again, spec);
    List<JsonNode> continuation = readTurn(c, again.path("turn_id").asText());
    assertThat(continuation.get(0).path("cause").asText()).isEqualTo("tool_results");
    assertThat(continuation.get(continuation.size() - 1).path("finish_reason").asText()).isEqualTo("stop");
    String secondPrompt = llm.requests().get(1).messages().toString();
    assertThat(secondPrompt).contains("found");
  }

  @Test
  void cancelTurnInterruptsWithReasonCancelledAndStopsTheModel() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.hanging("<speech>This goes on and on"));
    JsonNode get = interact(c, "brom", "Talk");
    answer(c, get, BROM);
    c.nextOfType("agent_tag_chunk");
    c.send("type", "cancel_turn", "agent_id", "brom");
    JsonNode interrupted = c.nextOfType("agent_turn_interrupted");
    assertThat(interrupted.path("turn_id").asText()).isEqualTo(get.path("turn_id").asText());
    assertThat(interrupted.path("reason").asText()).isEqualTo("cancelled");
    await().atMost(Duration.ofSeconds(20)).until(() -> llm.awaitCall(0).cancelled());
    c.assertAlive("after-cancel");
  }

  @Test
  void resetAgentCancelsItsTurnAndForgetsItsHistory() {
    start(llm);
    WsClient c = connect();
    JsonNode get = interact(c, "brom", "Remember me");
    answer(c, get, BROM);
    String firstTurn = get.path("turn_id").asText();
    c.nextOfType("agent_turn_finished");

    llm.enqueue(Script.hanging("<speech>Still talking"));
    JsonNode second = interact(c, "brom", "Again");
    answer(c, second, BROM);
    c.nextOfType("agent_tag_chunk");
    c.send("type", "reset_agent", "agent_id", "brom");
    JsonNode interrupted = c.nextOfType("agent_turn_interrupted");
    assertThat(interrupted.path("reason").asText()).isEqualTo("cancelled");

    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", firstTurn,
        "tags", List.of(Map.of("tag", "speech", "content", "Hello.")));
    JsonNode error = c.next("error");
    assertThat(error.path("code").asText()).isEqualTo("unknown_turn");
    assertThat(error.path("in_reply_to").asText()).isEqualTo("agent_turn_result");
    assertThat(error.path("agent_id").asText()).isEqualTo("brom");
    assertThat(error.path("turn_id").asText()).isEqualTo(firstTurn);

    // The cached spec is gone too: a new turn must ask for state again and gets a fresh prompt.
    JsonNode third = interact(c, "brom", "Who am I?");
    answer(c, third, BROM);
    c.nextOfType("agent_turn_finished");
    String lastPrompt = llm.requests().get(llm.requests().size() - 1).messages().toString();
    assertThat(lastPrompt).doesNotContain("Remember me").doesNotContain("Again");
  }

  private String logText() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(logs)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(p));
      }
    }
    return all.toString();
  }
}
