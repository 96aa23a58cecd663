package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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
    llm.enqueue(Script.builder().text("<speech>Halt! Who", " goes there?</speech>", "<emotion>angry</emotion>",
        "<action name=\"wave\"/>").complete("stop", new Usage(120, 17)).build());
    JsonNode get = interact(c, "brom", "Hello", "event_id", "e-1");
    assertThat(get.path("request_id").asText()).isNotBlank();
    assertThat(get.path("event_id").asText()).isEqualTo("e-1");
    String turnId = get.path("turn_id").asText();
    assertThat(turnId).isNotBlank();
    answer(c, get, BROM);

    List<JsonNode> turn = readTurn(c, turnId);
    // Everything the turn sent, in order: the emotion has declared values, so it is sent whole at its close.
    assertThat(types(turn)).containsExactly("agent_turn_started",
        "agent_tag_open", "agent_tag_chunk", "agent_tag_chunk", "agent_tag_close",
        "agent_tag_open", "agent_tag_chunk", "agent_tag_close",
        "agent_tag_open", "agent_tag_close",
        "agent_turn_finished");
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
    assertThat(closes).extracting(f -> f.path("index").asInt()).containsExactly(0, 1, 2);
    assertThat(closes).extracting(f -> f.path("tag").asText()).containsExactly("speech", "emotion", "action");
    String speech = turn.stream().filter(f -> f.path("type").asText().equals("agent_tag_chunk")
        && f.path("index").asInt() == 0).map(f -> f.path("text").asText()).reduce("", String::concat);
    assertThat(speech).isEqualTo("Halt! Who goes there?");
    turn.forEach(f -> assertThat(f.path("agent_id").asText()).isEqualTo("brom"));
    turn.forEach(f -> assertThat(f.path("turn_id").asText()).isEqualTo(turnId));

    JsonNode finished = turn.get(turn.size() - 1);
    assertThat(finished.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(finished.path("usage").path("prompt_tokens").asInt()).isEqualTo(120);
    assertThat(finished.path("usage").path("completion_tokens").asInt()).isEqualTo(17);
    assertThat(finished.path("rejected").isArray()).isTrue();
    assertThat(finished.path("rejected")).isEmpty();
    assertThat(finished.has("error")).isFalse();
    assertThat(finished.path("timing").has("state_ms")).isTrue();
    assertThat(finished.path("timing").has("first_token_ms")).isTrue();
    assertThat(finished.path("timing").has("total_ms")).isTrue();
    assertThat(finished.path("timing").path("total_ms").asLong())
        .isGreaterThanOrEqualTo(finished.path("timing").path("first_token_ms").asLong()).isNotNegative();

    c.assertAlive("after-turn");
    assertThat(llm.requests()).hasSize(1);
    assertThat(llm.requests().get(0).messages().get(llm.requests().get(0).messages().size() - 1).content())
        .contains("Hello");
  }

  @Test
  void turnStartsOffTheEventLoopThatDeliveredTheSnapshot() {
    AtomicReference<String> streamThread = new AtomicReference<>();
    LlmClient threadRecording = new LlmClient() {
      @Override
      public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
        streamThread.set(Thread.currentThread().getName());
        return llm.stream(request, handler);
      }

      @Override
      public String name() {
        return llm.name();
      }
    };
    start(threadRecording);
    WsClient c = connect();
    llm.enqueue(Script.builder().text("<speech>Halt!</speech>").complete("stop", null).build());
    JsonNode get = interact(c, "brom", "Hello");
    answer(c, get, BROM);
    c.nextOfType("agent_turn_finished");
    // Prompt building and the stream's start run on the server's turn pool, not on a Netty event loop.
    assertThat(streamThread.get()).startsWith("agent-turn-");
  }

  @Test
  void queuedEventStartsAfterTheActiveTurnEnds() {
    start(llm);
    WsClient c = connect();
    JsonNode first = pausedTurn(c, "event_id", "e-1");

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
  void laterQueuedEventReplacesAnEarlierOneStillWaiting() throws Exception {
    start(llm);
    WsClient c = connect();
    JsonNode first = pausedTurn(c);
    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", "e-replaced", "text", "Second", "on_busy", "queue"));
    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", "e-third", "text", "Third", "on_busy", "queue"));
    c.assertAlive("queued-twice");
    llm.awaitCall(0).release();
    c.nextOfType("agent_turn_finished");
    JsonNode next = c.next("get_agent_state");
    assertThat(next.path("event_id").asText()).isEqualTo("e-third");
    answer(c, next, BROM);
    c.nextOfType("agent_turn_finished");
    c.assertAlive("one-turn-only");
    assertThat(llm.callCount()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(20)).until(() -> logText().contains("e-replaced"));
    assertThat(logText()).containsPattern("\"disposition\":\"dropped\",\"event\":\\{\"event_id\":\"e-replaced\"");
  }

  @Test
  void droppedEventStartsNothingAndIsRecordedInHistory() throws Exception {
    start(llm);
    WsClient c = connect();
    JsonNode first = pausedTurn(c);
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
    assertThat(finished.path("error").path("message").asText()).isNotBlank();
    assertThat(finished.path("error").has("status")).isFalse();
    // Every field of a finish is there, even for a turn that never started.
    assertThat(finished.path("rejected").isArray()).isTrue();
    assertThat(finished.path("timing").path("state_ms").isNumber()).isTrue();
    assertThat(finished.path("timing").path("first_token_ms").isNumber()).isTrue();
    assertThat(finished.path("timing").path("total_ms").isNumber()).isTrue();
    assertThat(llm.callCount()).isZero();
    // The late snapshot is unsolicited now: it is cached, and answered with nothing.
    answer(c, get, BROM);
    c.assertAlive("late");
  }

  @Test
  void snapshotWithoutRequestIdAnswersTheAgentsPendingRequest() {
    // A timeout the test never reaches: only the snapshot can start the turn.
    start(llm, b -> b.stateTimeout(Duration.ofMinutes(10)));
    WsClient c = connect();
    JsonNode get = interact(c, "brom", "Hello");
    c.send("type", "agent_state_snapshot", "agent_id", "brom", "state", Map.of("name", "Brom the Prompt"));
    JsonNode started = c.next("agent_turn_started");
    assertThat(started.path("turn_id").asText()).isEqualTo(get.path("turn_id").asText());
    c.nextOfType("agent_turn_finished");
    assertThat(llm.requests().get(0).messages().get(0).content()).contains("Brom the Prompt");
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
    // The tool results confirmed the turn with the tags it sent.
    assertThat(secondPrompt).contains("Let me look.");

    c.send("type", "tool_results", "agent_id", "brom", "turn_id", turnId, "results",
        List.of(Map.of("call_id", callId, "name", "check_inventory", "output", Map.of("found", true))));
    JsonNode duplicate = c.next("error");
    assertThat(duplicate.path("code").asText()).isEqualTo("duplicate_turn_result");
    assertThat(duplicate.path("turn_id").asText()).isEqualTo(turnId);
    c.assertAlive("no-second-continuation");
    assertThat(llm.callCount()).isEqualTo(2);
  }

  @Test
  void toolResultsPastTheContinuationLimitAreToolLoopLimit() {
    start(llm, b -> b.maxToolContinuations(0));
    WsClient c = connect();
    Map<String, Object> spec = Map.of("name", "Brom", "tools", List.of(Map.of("name", "check_inventory")));
    llm.enqueue(Script.of("<tool_call name=\"check_inventory\">{\"item\":\"key\"}</tool_call>"));
    JsonNode get = interact(c, "brom", "Key?");
    answer(c, get, spec);
    String turnId = get.path("turn_id").asText();
    assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("tool_calls");
    c.send("type", "tool_results", "agent_id", "brom", "turn_id", turnId, "results",
        List.of(Map.of("call_id", turnId + ".c1", "output", "found")));
    JsonNode error = c.next("error");
    assertThat(error.path("code").asText()).isEqualTo("tool_loop_limit");
    assertThat(error.path("in_reply_to").asText()).isEqualTo("tool_results");
    assertThat(error.path("agent_id").asText()).isEqualTo("brom");
    assertThat(error.path("turn_id").asText()).isEqualTo(turnId);
    c.assertAlive("no-continuation");
    assertThat(llm.callCount()).isEqualTo(1);
  }

  @Test
  void resultForAStreamingTurnEndsItAsCancelled() {
    start(llm);
    WsClient c = connect();
    JsonNode get = streamingTurn(c, llm, "Hi", "Halt! Who goes");
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", get.path("turn_id").asText(),
        "interrupted", true, "tags", List.of(Map.of("tag", "speech", "content", "Halt!")));
    assertCancelledUpstream(c, get, 0);
    c.assertAlive("after-result");
  }

  @Test
  void cancelTurnInterruptsWithReasonCancelledAndStopsTheModel() {
    start(llm);
    WsClient c = connect();
    JsonNode get = streamingTurn(c, llm, "Talk", "This goes on and on");
    c.send("type", "cancel_turn", "agent_id", "brom");
    assertCancelledUpstream(c, get, 0);
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

    JsonNode second = streamingTurn(c, llm, "Again", "Still talking");
    c.send("type", "reset_agent", "agent_id", "brom");
    assertCancelledUpstream(c, second, 1);

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

  @Test
  void resetAgentForgetsTheCachedSpec() {
    start(llm, b -> b.stateTimeout(Duration.ofMillis(500)));
    WsClient c = connect();
    c.send("type", "agent_state_snapshot", "agent_id", "brom", "state", BROM);
    c.send("type", "reset_agent", "agent_id", "brom");
    c.assertAlive("reset");
    // Unanswered, the turn has no cached spec to fall back on.
    JsonNode get = interact(c, "brom", "Remember me?");
    JsonNode finished = c.next("agent_turn_finished");
    assertThat(finished.path("turn_id").asText()).isEqualTo(get.path("turn_id").asText());
    assertThat(finished.path("error").path("code").asText()).isEqualTo("state_timeout");
    assertThat(llm.callCount()).isZero();
  }

  @Test
  void everyTurnEndsWithOneStructuredInfoLine() {
    Logger connectionLog = (Logger) LoggerFactory.getLogger(Connection.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    connectionLog.addAppender(captured);
    try {
      start(llm);
      WsClient c = connect();
      JsonNode get = interact(c, "brom", "Hello");
      answer(c, get, BROM);
      c.nextOfType("agent_turn_finished");
      String turnId = get.path("turn_id").asText();
      await().atMost(Duration.ofSeconds(20)).until(() -> List.copyOf(captured.list).stream()
          .anyMatch(e -> turnId.equals(keyValues(e).get("turn"))));
      List<ILoggingEvent> lines = List.copyOf(captured.list).stream()
          .filter(e -> turnId.equals(keyValues(e).get("turn")) && e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
      assertThat(lines).hasSize(1);
      Map<String, Object> kv = keyValues(lines.get(0));
      assertThat(kv).containsEntry("agent", "brom").containsEntry("event", "agent_turn_finished")
          .containsEntry("finish_reason", "stop").containsKeys("session", "state_ms", "first_token_ms", "total_ms");
      assertThat(kv.get("session")).isNotNull();
      assertThat(kv.get("total_ms")).isNotNull();
    } finally {
      connectionLog.detachAppender(captured);
    }
  }

  /**
   * Starts brom's turn for the event "First" (with the given event fields) whose model pauses after
   * its first chunk until {@code llm.awaitCall(0).release()}; returns its {@code get_agent_state}.
   */
  private JsonNode pausedTurn(WsClient c, Object... eventFields) {
    llm.enqueue(Script.builder().text("<speech>One").pause().text(" done.</speech>").complete("stop", null).build());
    JsonNode get = interact(c, "brom", "First", eventFields);
    answer(c, get, BROM);
    c.nextOfType("agent_tag_chunk");
    return get;
  }

  /** The turn ended with {@code agent_turn_interrupted}, reason {@code cancelled}, and its model call was cancelled. */
  private void assertCancelledUpstream(WsClient c, JsonNode getAgentState, int call) {
    JsonNode interrupted = c.nextOfType("agent_turn_interrupted");
    assertThat(interrupted.path("turn_id").asText()).isEqualTo(getAgentState.path("turn_id").asText());
    assertThat(interrupted.path("reason").asText()).isEqualTo("cancelled");
    // Only a superseded turn names the event that ended it.
    assertThat(interrupted.has("by_event_id")).isFalse();
    await().atMost(Duration.ofSeconds(20)).until(() -> llm.awaitCall(call).cancelled());
  }

  private static Map<String, Object> keyValues(ILoggingEvent e) {
    Map<String, Object> kv = new java.util.HashMap<>();
    if (e.getKeyValuePairs() != null) {
      e.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
    }
    return kv;
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
