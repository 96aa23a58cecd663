package dev.gameagent.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleConversationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final ConsoleConversation conversation = new ConsoleConversation("brom", spec(),
      new PrintStream(printed, true, StandardCharsets.UTF_8));

  /**
   * Frames the server sent in a real session (echo model, recorded by a client answering with this
   * class): a finished turn, a turn cut off by the next line, and an error for a duplicate result.
   */
  @Test
  void recordedSessionIsAnsweredAndPrinted() throws Exception {
    List<String> frames;
    try (InputStream in = getClass().getResourceAsStream("recorded-session.jsonl")) {
      frames = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    List<String> replies = play(frames.toArray(String[]::new));

    assertThat(replies.stream().map(ConsoleConversationTest::describe)).containsExactly(
        "agent_state_snapshot s-1 Brom",
        "agent_turn_result t-1 interrupted=false [speech: You said: Good evening]",
        "agent_state_snapshot s-2 Brom",
        "agent_turn_result t-2 interrupted=true [speech: You said:]",
        "agent_state_snapshot s-3 Brom",
        "agent_turn_result t-3 interrupted=false [speech: You said: Now!]");
    assertThat(output()).endsWith(lines(
        "Brom: You said: Good evening",
        "Brom: You said: —",
        "(Brom was interrupted: superseded)",
        "Brom: You said: Now!",
        "(server error duplicate_turn_result: turn t-1 of agent brom already has a result)"));
    assertThat(conversation.resultsSent()).isEqualTo(3);
  }

  @Test
  void sessionStartedIsAnnouncedAndRemembered() {
    List<String> replies = conversation.onFrame("{\"type\":\"session_started\",\"session_id\":\"s-42\","
        + "\"protocol_version\":1,\"server\":{\"name\":\"game-agent\",\"version\":\"0.1.0\"},\"resumed\":false}");

    assertThat(replies).isEmpty();
    assertThat(conversation.sessionId()).isEqualTo("s-42");
    assertThat(output()).startsWith("Connected to game-agent 0.1.0, session s-42. Say something to Brom;");
  }

  @Test
  void stateRequestIsAnsweredWithTheSpec() throws Exception {
    List<String> replies = conversation.onFrame("{\"type\":\"get_agent_state\",\"agent_id\":\"brom\","
        + "\"request_id\":\"r-1\",\"event_id\":\"e-1\",\"turn_id\":\"t-1\"}");

    ObjectNode expected = JSON.createObjectNode().put("type", "agent_state_snapshot").put("agent_id", "brom")
        .put("request_id", "r-1");
    expected.set("state", spec());
    assertThat(replies).hasSize(1);
    assertThat(JSON.readTree(replies.get(0))).isEqualTo(expected);
  }

  @Test
  void stateRequestForAnotherAgentGetsABareSpec() throws Exception {
    List<String> replies = conversation.onFrame("{\"type\":\"get_agent_state\",\"agent_id\":\"mira\",\"request_id\":\"r-2\"}");

    assertThat(JSON.readTree(replies.get(0)).path("state")).isEqualTo(JSON.readTree("{\"name\":\"mira\"}"));
  }

  @Test
  void finishedTurnIsPrintedAsItStreamsAndConfirmedWithItsTags() throws Exception {
    List<String> replies = play(
        "{\"type\":\"agent_turn_started\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"event_id\":\"e-1\","
            + "\"cause\":\"interaction_event\",\"model\":\"offline\",\"prompt\":{\"message_count\":2}}",
        tagOpen(0, "emotion", "{}"),
        "{\"type\":\"agent_tag_chunk\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"index\":0,\"tag\":\"emotion\",\"text\":\"suspicious\"}",
        tagClose(0, "emotion", "suspicious"),
        tagOpen(1, "speech", "{}"),
        chunk(1, "Halt! "),
        chunk(1, "Who goes there?"),
        tagClose(1, "speech", "Halt! Who goes there?"),
        tagOpen(2, "action", "{\"name\":\"draw_sword\"}"),
        tagClose(2, "action", ""),
        "{\"type\":\"agent_turn_finished\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"finish_reason\":\"stop\","
            + "\"timing\":{\"state_ms\":1,\"first_token_ms\":5,\"total_ms\":40},\"rejected\":[]}");

    assertThat(output()).isEqualTo(lines(
        "Brom [emotion] suspicious",
        "Brom: Halt! Who goes there?",
        "Brom [action name=draw_sword] "));
    assertThat(replies).hasSize(1);
    assertThat(JSON.readTree(replies.get(0))).isEqualTo(JSON.readTree(
        "{\"type\":\"agent_turn_result\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"interrupted\":false,\"tags\":["
            + "{\"tag\":\"emotion\",\"attributes\":{},\"content\":\"suspicious\"},"
            + "{\"tag\":\"speech\",\"attributes\":{},\"content\":\"Halt! Who goes there?\"},"
            + "{\"tag\":\"action\",\"attributes\":{\"name\":\"draw_sword\"},\"content\":\"\"}]}"));
    assertThat(conversation.resultsSent()).isEqualTo(1);
  }

  @Test
  void toolCallsAreRunAndAnsweredWithToolResultsInsteadOfATurnResult() throws Exception {
    ObjectNode spec = spec();
    spec.putArray("inventory").add("spear").add("Gate key");
    ConsoleConversation withInventory = new ConsoleConversation("brom", spec, new PrintStream(printed, true, StandardCharsets.UTF_8));
    List<String> replies = new ArrayList<>();
    for (String frame : List.of(
        started("t-1"),
        tagOpen(0, "tool_call", "{\"name\":\"check_inventory\",\"call_id\":\"t-1.c1\"}"),
        tagClose(0, "tool_call", "{\\\"item\\\":\\\"gate key\\\"}"),
        tagOpen(1, "tool_call", "{\"name\":\"cast_spell\",\"call_id\":\"t-1.c2\"}"),
        tagClose(1, "tool_call", "{}"),
        "{\"type\":\"agent_turn_finished\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"finish_reason\":\"tool_calls\",\"rejected\":[]}")) {
      replies.addAll(withInventory.onFrame(frame));
    }

    assertThat(replies).hasSize(1);
    assertThat(JSON.readTree(replies.get(0))).isEqualTo(JSON.readTree(
        "{\"type\":\"tool_results\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"results\":["
            + "{\"call_id\":\"t-1.c1\",\"name\":\"check_inventory\",\"output\":{\"item\":\"gate key\",\"found\":true},\"is_error\":false},"
            + "{\"call_id\":\"t-1.c2\",\"name\":\"cast_spell\",\"output\":{\"error\":\"no such tool: cast_spell\"},\"is_error\":true}]}"));
    assertThat(withInventory.resultsSent()).isZero();
    assertThat(output()).contains("(Brom used check_inventory: {\"item\":\"gate key\",\"found\":true})");
  }

  @Test
  void interruptedTurnIsConfirmedWithWhatThePlayerSawOfTheOpenTag() throws Exception {
    List<String> replies = play(
        started("t-3"),
        tagOpen(0, "speech", "{}", "t-3"),
        chunk(0, "Halt! Who goes th", "t-3"),
        "{\"type\":\"agent_turn_interrupted\",\"agent_id\":\"brom\",\"turn_id\":\"t-3\",\"reason\":\"superseded\",\"by_event_id\":\"e-4\"}");

    assertThat(output()).isEqualTo(lines("Brom: Halt! Who goes th —", "(Brom was interrupted: superseded)"));
    assertThat(JSON.readTree(replies.get(0))).isEqualTo(JSON.readTree(
        "{\"type\":\"agent_turn_result\",\"agent_id\":\"brom\",\"turn_id\":\"t-3\",\"interrupted\":true,"
            + "\"tags\":[{\"tag\":\"speech\",\"attributes\":{},\"content\":\"Halt! Who goes th\"}]}"));
  }

  @Test
  void turnInterruptedBeforeItStartedSendsNoResult() {
    List<String> replies = play(
        "{\"type\":\"agent_turn_interrupted\",\"agent_id\":\"brom\",\"turn_id\":\"t-2\",\"reason\":\"cancelled\"}");

    assertThat(replies).isEmpty();
    assertThat(output()).isEqualTo(lines("(Brom was interrupted: cancelled)"));
  }

  @Test
  void failedTurnIsExplainedAndConfirmedEmpty() throws Exception {
    List<String> replies = play(
        started("t-1"),
        "{\"type\":\"agent_turn_finished\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"finish_reason\":\"error\","
            + "\"rejected\":[{\"tag\":\"action\",\"reason\":\"attribute_not_allowed\"}],"
            + "\"error\":{\"code\":\"llm_error\",\"message\":\"rate limited by the provider\",\"status\":429}}");

    assertThat(output()).isEqualTo(lines(
        "(Brom's turn failed: llm_error: rate limited by the provider)",
        "(not shown: a <action> tag, attribute_not_allowed)"));
    assertThat(JSON.readTree(replies.get(0)).path("tags")).isEmpty();
    assertThat(JSON.readTree(replies.get(0)).path("interrupted").asBoolean()).isFalse();
  }

  @Test
  void turnsOfTwoAgentsAreTrackedApart() throws Exception {
    List<String> replies = play(
        started("t-1"),
        "{\"type\":\"agent_turn_started\",\"agent_id\":\"mira\",\"turn_id\":\"t-1\"}",
        tagOpen(0, "speech", "{}"),
        "{\"type\":\"agent_tag_open\",\"agent_id\":\"mira\",\"turn_id\":\"t-1\",\"index\":0,\"tag\":\"speech\",\"attributes\":{}}",
        "{\"type\":\"agent_tag_close\",\"agent_id\":\"mira\",\"turn_id\":\"t-1\",\"index\":0,\"tag\":\"speech\",\"content\":\"\",\"complete\":true}",
        "{\"type\":\"agent_turn_finished\",\"agent_id\":\"mira\",\"turn_id\":\"t-1\",\"finish_reason\":\"stop\",\"rejected\":[]}",
        chunk(0, "Hello"),
        tagClose(0, "speech", "Hello"),
        "{\"type\":\"agent_turn_finished\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"finish_reason\":\"stop\",\"rejected\":[]}");

    assertThat(replies).hasSize(2);
    assertThat(JSON.readTree(replies.get(0)).path("agent_id").asText()).isEqualTo("mira");
    assertThat(JSON.readTree(replies.get(0)).path("tags").get(0).path("content").asText()).isEmpty();
    assertThat(JSON.readTree(replies.get(1)).path("agent_id").asText()).isEqualTo("brom");
    assertThat(JSON.readTree(replies.get(1)).path("tags").get(0).path("content").asText()).isEqualTo("Hello");
  }

  @Test
  void errorsArePrintedAndNotAnswered() {
    List<String> replies = play("{\"type\":\"error\",\"code\":\"unknown_turn\",\"message\":\"no turn t-9\",\"in_reply_to\":\"agent_turn_result\"}");

    assertThat(replies).isEmpty();
    assertThat(output()).isEqualTo(lines("(server error unknown_turn: no turn t-9)"));
  }

  @Test
  void badAndUnknownFramesAreIgnored() {
    List<String> replies = play("not json", "[1,2]", "{\"type\":\"pong\",\"server_time_ms\":1}",
        "{\"type\":\"from_the_future\",\"agent_id\":\"brom\"}", "{\"no_type\":true}");

    assertThat(replies).isEmpty();
    assertThat(output()).isEqualTo(lines("(ignored a frame that is not JSON)", "(ignored a frame that is not a JSON object)"));
  }

  @Test
  void typedTextBecomesAnInteractionEventThatInterrupts() throws Exception {
    List<String> frames = conversation.onInput("  Open the gate!  ");

    assertThat(frames).hasSize(1);
    assertThat(JSON.readTree(frames.get(0))).isEqualTo(JSON.readTree(
        "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"kind\":\"player_said\","
            + "\"source\":\"player\",\"target\":\"brom\",\"text\":\"Open the gate!\",\"on_busy\":\"interrupt\"}}"));
  }

  @Test
  void commandsBecomeTheirMessages() throws Exception {
    assertThat(JSON.readTree(conversation.onInput("/queue and then?").get(0)).path("event").path("on_busy").asText())
        .isEqualTo("queue");
    assertThat(JSON.readTree(conversation.onInput("/notify The bell rings.").get(0))).isEqualTo(JSON.readTree(
        "{\"type\":\"notification_event\",\"agent_id\":\"brom\",\"event\":{\"kind\":\"world_event\",\"text\":\"The bell rings.\"}}"));
    assertThat(JSON.readTree(conversation.onInput("/cancel").get(0))).isEqualTo(JSON.readTree(
        "{\"type\":\"cancel_turn\",\"agent_id\":\"brom\"}"));
    assertThat(JSON.readTree(conversation.onInput("/reset").get(0))).isEqualTo(JSON.readTree(
        "{\"type\":\"reset_agent\",\"agent_id\":\"brom\"}"));
  }

  @Test
  void blankLinesAndBadCommandsSendNothing() {
    assertThat(conversation.onInput("   ")).isEmpty();
    assertThat(conversation.onInput("/queue")).isEmpty();
    assertThat(conversation.onInput("/dance")).isEmpty();
    assertThat(conversation.onInput("/help")).isEmpty();

    assertThat(output()).contains("(/queue needs a text, e.g. /queue hello)", "(unknown command /dance; /help lists them)",
        "/notify TEXT");
  }

  /** A reply in short: type, request or turn id, then the spec's name or the result's tags. */
  private static String describe(String reply) {
    try {
      JsonNode m = JSON.readTree(reply);
      String type = m.path("type").asText();
      if (type.equals("agent_state_snapshot")) {
        return type + " " + m.path("request_id").asText() + " " + m.path("state").path("name").asText();
      }
      List<String> tags = new ArrayList<>();
      m.path("tags").forEach(t -> tags.add(t.path("tag").asText() + ": " + t.path("content").asText()));
      return type + " " + m.path("turn_id").asText() + " interrupted=" + m.path("interrupted").asBoolean() + " " + tags;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> play(String... frames) {
    List<String> replies = new ArrayList<>();
    for (String frame : frames) {
      replies.addAll(conversation.onFrame(frame));
    }
    return replies;
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  private static String lines(String... lines) {
    return String.join(System.lineSeparator(), lines) + System.lineSeparator();
  }

  private static String started(String turnId) {
    return "{\"type\":\"agent_turn_started\",\"agent_id\":\"brom\",\"turn_id\":\"" + turnId + "\",\"event_id\":\"e-1\"}";
  }

  private static String tagOpen(int index, String tag, String attributes) {
    return tagOpen(index, tag, attributes, "t-1");
  }

  private static String tagOpen(int index, String tag, String attributes, String turnId) {
    return "{\"type\":\"agent_tag_open\",\"agent_id\":\"brom\",\"turn_id\":\"" + turnId + "\",\"index\":" + index
        + ",\"tag\":\"" + tag + "\",\"attributes\":" + attributes + "}";
  }

  private static String chunk(int index, String text) {
    return chunk(index, text, "t-1");
  }

  private static String chunk(int index, String text, String turnId) {
    return "{\"type\":\"agent_tag_chunk\",\"agent_id\":\"brom\",\"turn_id\":\"" + turnId + "\",\"index\":" + index
        + ",\"tag\":\"speech\",\"text\":\"" + text + "\"}";
  }

  private static String tagClose(int index, String tag, String content) {
    return "{\"type\":\"agent_tag_close\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"index\":" + index
        + ",\"tag\":\"" + tag + "\",\"content\":\"" + content + "\",\"complete\":true}";
  }

  private static ObjectNode spec() {
    return JSON.createObjectNode().put("name", "Brom").put("role", "town guard").put("default_tag", "speech");
  }
}
