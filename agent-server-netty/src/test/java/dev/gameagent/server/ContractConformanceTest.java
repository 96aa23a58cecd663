package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rules of the binding wire contract that other end-to-end tests leave to the engine's own tests,
 * checked here on the wire: on_busy against a turn still waiting for its state, what clears a queued
 * event, one result per turn, results for a superseded turn, notifications, and the ids an
 * {@code error} names.
 */
class ContractConformanceTest extends EndToEndTest {
  /** A spec declaring one tool. */
  private static final Map<String, Object> TOOL_SPEC =
      Map.of("name", "Brom", "tools", List.of(Map.of("name", "check_inventory")));

  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void closeLlm() {
    llm.close();
  }

  @Test
  void anEventSupersedingATurnStillWaitingForItsStateEndsItWithItsTerminalMessageOnly() {
    start(llm, b -> b.stateTimeout(Duration.ofMinutes(10)));
    WsClient c = connect();
    JsonNode first = interact(c, "brom", "First", "event_id", "e-1");
    JsonNode second = interact(c, "brom", "Second", "event_id", "e-2");
    List<JsonNode> sent = c.received();
    JsonNode interrupted = sent.stream().filter(f -> f.path("type").asText().equals("agent_turn_interrupted"))
        .findFirst().orElseThrow();
    assertThat(interrupted.path("turn_id").asText()).isEqualTo(first.path("turn_id").asText());
    assertThat(interrupted.path("reason").asText()).isEqualTo("superseded");
    assertThat(interrupted.path("by_event_id").asText()).isEqualTo("e-2");
    // The terminal message of the old turn comes before the new turn's state request.
    assertThat(sent.indexOf(interrupted)).isLessThan(sent.indexOf(second));
    assertThat(second.path("turn_id").asText()).isNotEqualTo(first.path("turn_id").asText());

    // A snapshot without request_id answers the new turn, not the superseded one.
    c.send("type", "agent_state_snapshot", "agent_id", "brom", "state", BROM);
    JsonNode started = c.next("agent_turn_started");
    assertThat(started.path("turn_id").asText()).isEqualTo(second.path("turn_id").asText());
    assertThat(started.path("event_id").asText()).isEqualTo("e-2");
    c.nextOfType("agent_turn_finished");
    assertThat(llm.callCount()).isEqualTo(1);
  }

  @Test
  void anInterruptingEventClearsTheQueuedEvent() {
    start(llm);
    WsClient c = connect();
    JsonNode first = streamingTurn(c, llm, "First", "Let me think");
    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", "e-queued", "text", "Later", "on_busy", "queue"));
    c.send("type", "interaction_event", "agent_id", "brom", "event", Map.of("event_id", "e-now", "text", "Now"));
    JsonNode interrupted = c.next("agent_turn_interrupted");
    assertThat(interrupted.path("turn_id").asText()).isEqualTo(first.path("turn_id").asText());
    assertThat(interrupted.path("by_event_id").asText()).isEqualTo("e-now");
    JsonNode now = c.next("get_agent_state");
    assertThat(now.path("event_id").asText()).isEqualTo("e-now");
    answer(c, now, BROM);
    c.nextOfType("agent_turn_finished");
    // The queued event was cleared: nothing starts after the interrupting event's turn.
    c.assertAlive("nothing-queued");
    assertThat(c.received()).noneMatch(f -> f.path("event_id").asText().equals("e-queued"));
  }

  @Test
  void cancelTurnClearsTheQueuedEvent() {
    start(llm);
    WsClient c = connect();
    JsonNode first = streamingTurn(c, llm, "First", "Let me think");
    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", "e-queued", "text", "Later", "on_busy", "queue"));
    c.send("type", "cancel_turn", "agent_id", "brom", "turn_id", first.path("turn_id").asText());
    JsonNode interrupted = c.next("agent_turn_interrupted");
    assertThat(interrupted.path("reason").asText()).isEqualTo("cancelled");
    c.assertAlive("nothing-queued");
    assertThat(c.received()).noneMatch(f -> f.path("event_id").asText().equals("e-queued"));
    assertThat(llm.callCount()).isEqualTo(1);
  }

  @Test
  void cancelTurnNamingAnotherTurnLeavesTheActiveTurnAlone() {
    start(llm);
    WsClient c = connect();
    JsonNode old = finishedTurn(c, "Old", "Done.");
    JsonNode active = streamingTurn(c, llm, "Active", "Still going");
    c.send("type", "cancel_turn", "agent_id", "brom", "turn_id", old.path("turn_id").asText());
    c.assertAlive("not-cancelled");
    c.send("type", "cancel_turn", "agent_id", "mira");
    c.assertAlive("unknown-agent");
    c.send("type", "cancel_turn", "agent_id", "brom");
    assertThat(c.next("agent_turn_interrupted").path("turn_id").asText()).isEqualTo(active.path("turn_id").asText());
  }

  @Test
  void aSecondResultForATurnIsADuplicateNamingItAndChangesNothing() {
    start(llm);
    WsClient c = connect();
    JsonNode get = finishedTurn(c, "Hello", "Halt!");
    String turnId = get.path("turn_id").asText();
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", turnId,
        "tags", List.of(Map.of("tag", "speech", "content", "Halt!")));
    c.assertAlive("first-result");
    c.send("type", "agent_turn_result", "agentId", "brom", "turnId", turnId, "buffer", "<speech>Again</speech>");
    JsonNode duplicate = c.next("error");
    assertThat(duplicate.path("code").asText()).isEqualTo("duplicate_turn_result");
    assertThat(duplicate.path("in_reply_to").asText()).isEqualTo("agent_turn_result");
    assertThat(duplicate.path("agent_id").asText()).isEqualTo("brom");
    assertThat(duplicate.path("turn_id").asText()).isEqualTo(turnId);

    finishedTurn(c, "What did you say?", "Yes?");
    String prompt = llm.requests().get(1).messages().toString();
    assertThat(prompt).contains("Halt!").doesNotContain("Again");
  }

  @Test
  void aResultNamingAnotherAgentsTurnIsUnknownTurn() {
    start(llm);
    WsClient c = connect();
    JsonNode get = finishedTurn(c, "Hello", "Halt!");
    c.send("type", "agent_turn_result", "agent_id", "mira", "turn_id", get.path("turn_id").asText(), "tags", List.of());
    JsonNode error = c.next("error");
    assertThat(error.path("code").asText()).isEqualTo("unknown_turn");
    assertThat(error.path("agent_id").asText()).isEqualTo("mira");
    c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", get.path("turn_id").asText(), "tags", List.of());
    c.assertAlive("brom's own result is accepted");
  }

  @Test
  void toolResultsForASupersededTurnGoIntoHistoryAndStartNothing() {
    start(llm);
    WsClient c = connect();
    JsonNode get = toolCallTurn(c);
    String turnId = get.path("turn_id").asText();

    llm.enqueue(Script.hanging("<speech>Something else"));
    JsonNode newer = interact(c, "brom", "Never mind", "event_id", "e-newer");
    answer(c, newer, TOOL_SPEC);
    c.nextOfType("agent_tag_chunk");
    c.send("type", "tool_results", "agent_id", "brom", "turn_id", turnId, "results",
        List.of(Map.of("call_id", turnId + ".c1", "name", "check_inventory", "output", "a rusty key")));
    // No error, no continuation, and the newer turn keeps streaming.
    c.assertAlive("recorded");
    assertThat(llm.callCount()).isEqualTo(2);
    assertThat(c.received()).noneMatch(f -> f.path("type").asText().equals("agent_turn_interrupted"));
    c.send("type", "cancel_turn", "agent_id", "brom");
    c.next("agent_turn_interrupted");

    llm.enqueue(Script.of("<speech>Aye.</speech>"));
    JsonNode last = interact(c, "brom", "So?");
    answer(c, last, TOOL_SPEC);
    c.nextOfType("agent_turn_finished");
    assertThat(llm.requests().get(2).messages().toString()).contains("a rusty key");
  }

  @Test
  void aNotificationInterruptsNothingAndReachesEveryNamedAgentsNextPrompt() {
    start(llm);
    WsClient c = connect();
    JsonNode active = streamingTurn(c, llm, "Talk", "Well");
    c.send("type", "notification_event", "agentIds", List.of("brom", "mira"),
        "event", Map.of("kind", "weather", "text", "Thunder rolls."));
    c.assertAlive("notified");
    assertThat(c.received()).noneMatch(f -> f.path("type").asText().equals("agent_turn_interrupted")
        || f.path("type").asText().equals("get_agent_state") && !f.path("turn_id").asText()
            .equals(active.path("turn_id").asText()));
    c.send("type", "cancel_turn", "agent_id", "brom");
    c.next("agent_turn_interrupted");

    llm.enqueue(Script.of("<speech>A storm.</speech>"));
    JsonNode mira = interact(c, "mira", "Weather?");
    answer(c, mira, Map.of("name", "Mira"));
    c.nextOfType("agent_turn_finished");
    finishedTurn(c, "Hear that?", "Aye.");
    // Each named agent's next prompt: Mira's first turn, and Brom's turn after the one it was streaming.
    assertThat(llm.requests().get(1).messages().toString()).contains("Weather?").contains("Thunder rolls.");
    assertThat(llm.requests().get(2).messages().toString()).contains("Hear that?").contains("Thunder rolls.");
  }

  @Test
  void aFlatEventWithAliasesIsNormalizedBeforeItIsPromptedAndItsIdReachesTheTurn() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.of("<speech>Hm.</speech>"));
    c.send("type", "interaction_event", "agentId", "brom", "id", "e-flat", "from", "player", "utterance",
        "Any news?", "ts", 1714564800, "mood", "cheerful");
    JsonNode get = c.next("get_agent_state");
    assertThat(get.path("event_id").asText()).isEqualTo("e-flat");
    answer(c, get, BROM);
    JsonNode started = c.next("agent_turn_started");
    assertThat(started.path("event_id").asText()).isEqualTo("e-flat");
    c.nextOfType("agent_turn_finished");
    assertThat(llm.requests().get(0).messages().toString()).contains("Any news?").contains("cheerful");
  }

  @Test
  void aQueuedEventStartsAfterATurnThatFinishedWithToolCallsWhoseResultsThenStartNothing() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.builder().text("<speech>Let me see").pause()
        .text("</speech><tool_call name=\"check_inventory\">{}</tool_call>").complete("stop", null).build());
    JsonNode get = interact(c, "brom", "Key?");
    answer(c, get, TOOL_SPEC);
    c.nextOfType("agent_tag_chunk");
    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", "e-queued", "text", "Later", "on_busy", "queue"));
    c.assertAlive("queued");
    llm.awaitCall(0).release();
    assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode queued = c.next("get_agent_state");
    assertThat(queued.path("event_id").asText()).isEqualTo("e-queued");
    String turnId = get.path("turn_id").asText();
    c.send("type", "tool_results", "agent_id", "brom", "turn_id", turnId,
        "results", List.of(Map.of("call_id", turnId + ".c1", "output", "a key")));
    c.assertAlive("recorded");
    answer(c, queued, TOOL_SPEC);
    c.nextOfType("agent_turn_finished");
    assertThat(c.received()).noneMatch(f -> f.path("cause").asText().equals("tool_results"));
    assertThat(llm.requests().get(1).messages().toString()).contains("a key");
  }

  @Test
  void theSpecsOwnFieldsAreAcceptedInCamelCase() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.of("Hello there. <gesture kind=\"bow\"/>"));
    JsonNode get = interact(c, "brom", "Hi");
    answer(c, get, Map.of("name", "Brom", "defaultTag", "say", "historyLimit", 3, "worldState", Map.of("time", "dawn"),
        "outputTags", List.of(Map.of("name", "say"),
            Map.of("name", "gesture", "selfClosing", true, "attributes", Map.of("kind", List.of("bow"))))));
    List<JsonNode> turn = readTurn(c, get.path("turn_id").asText());
    assertThat(turn).filteredOn(f -> f.path("type").asText().equals("agent_tag_close"))
        .extracting(f -> f.path("tag").asText() + ":" + f.path("content").asText())
        .containsExactly("say:Hello there.", "gesture:");
    assertThat(llm.requests().get(0).messages().get(0).content()).contains("dawn");
  }

  @Test
  void rejectedTagsTakeNoIndexAndAreListedAndALengthLimitClosesTheOpenTagIncomplete() {
    start(llm);
    WsClient c = connect();
    llm.enqueue(Script.builder().text("<emotion>bored</emotion><action name=\"fly\"/><speech>Fine.</speech>",
        "<action name=\"WAVE\"/><speech>And then").complete("length", null).build());
    JsonNode get = interact(c, "brom", "Well?");
    answer(c, get, Map.of("name", "Brom", "output_tags", List.of(
        Map.of("name", "speech"),
        Map.of("name", "emotion", "values", List.of("neutral", "angry")),
        Map.of("name", "action", "self_closing", true, "attributes", Map.of("name", List.of("wave"))))));
    List<JsonNode> turn = readTurn(c, get.path("turn_id").asText());
    List<JsonNode> closes = turn.stream().filter(f -> f.path("type").asText().equals("agent_tag_close")).toList();
    assertThat(closes).extracting(f -> f.path("index").asInt() + ":" + f.path("tag").asText() + ":"
        + f.path("content").asText() + ":" + f.path("complete").asBoolean())
        .containsExactly("0:speech:Fine.:true", "1:action::true", "2:speech:And then:false");
    // Reported in the declared spelling.
    assertThat(turn).filteredOn(f -> f.path("type").asText().equals("agent_tag_open") && f.path("index").asInt() == 1)
        .singleElement().satisfies(f -> assertThat(f.path("attributes").path("name").asText()).isEqualTo("wave"));
    JsonNode finished = turn.get(turn.size() - 1);
    assertThat(finished.path("finish_reason").asText()).isEqualTo("length");
    assertThat(finished.path("rejected")).extracting(r -> r.path("tag").asText() + ":" + r.path("reason").asText())
        .containsExactly("emotion:value_not_allowed", "action:attribute_not_allowed");
  }

  /** Runs brom's turn that makes one tool call and finishes with {@code tool_calls}; returns its {@code get_agent_state}. */
  private JsonNode toolCallTurn(WsClient c) {
    llm.enqueue(Script.of("<tool_call name=\"check_inventory\">{\"item\":\"key\"}</tool_call>"));
    JsonNode get = interact(c, "brom", "Key?");
    answer(c, get, TOOL_SPEC);
    assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("tool_calls");
    return get;
  }

  /** Runs brom's turn for {@code text} whose model answers {@code speech} to its end; returns its {@code get_agent_state}. */
  private JsonNode finishedTurn(WsClient c, String text, String speech) {
    llm.enqueue(Script.of("<speech>" + speech + "</speech>"));
    JsonNode get = interact(c, "brom", text);
    answer(c, get, BROM);
    c.nextOfType("agent_turn_finished");
    return get;
  }
}
