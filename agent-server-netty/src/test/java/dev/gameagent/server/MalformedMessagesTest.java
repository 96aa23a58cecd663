package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.testing.ScriptedLlmClient;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input gets an {@code error} naming what was wrong, and the connection keeps working. */
class MalformedMessagesTest extends EndToEndTest {
  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void closeLlm() {
    llm.close();
  }

  /** One bad message and the error code it must get. */
  record Case(String message, String code, String inReplyTo) {}

  private static final String LONG_ID = "x".repeat(129);
  private static final String DEEP = "{\"type\":\"ping\",\"id\":" + "[".repeat(200) + "]".repeat(200) + "}";

  static final List<Case> CASES = List.of(
      new Case("not json", "invalid_json", null),
      new Case("{", "invalid_json", null),
      new Case("{\"type\":\"ping\",}", "invalid_json", null),
      new Case("[]", "invalid_json", null),
      new Case("\"ping\"", "invalid_json", null),
      new Case("42", "invalid_json", null),
      new Case("", "invalid_json", null),
      new Case("{\"type\":\"ping\"} {\"type\":\"ping\"}", "invalid_json", null),
      new Case(DEEP, "invalid_json", null),
      new Case("{}", "missing_field", null),
      new Case("{\"type\":42}", "invalid_field", null),
      new Case("{\"type\":\"dance\"}", "unknown_type", "dance"),
      new Case("{\"type\":\"interaction_event\",\"event\":{\"text\":\"hi\"}}", "missing_field", "interaction_event"),
      new Case("{\"type\":\"interaction_event\",\"agent_id\":\"\",\"event\":{}}", "invalid_field", "interaction_event"),
      new Case("{\"type\":\"interaction_event\",\"agent_id\":\"" + LONG_ID + "\",\"event\":{}}", "invalid_field",
          "interaction_event"),
      new Case("{\"type\":\"interaction_event\",\"agent_id\":\"a\\u0001b\",\"event\":{}}", "invalid_field",
          "interaction_event"),
      new Case("{\"type\":\"interaction_event\",\"agent_id\":5,\"event\":{}}", "invalid_field", "interaction_event"),
      new Case("{\"type\":\"interaction_event\",\"agent_id\":\"g\",\"event\":\"hello\"}", "invalid_field",
          "interaction_event"),
      new Case("{\"type\":\"interaction_event\",\"agent_id\":\"g\",\"event\":{\"on_busy\":\"sometimes\"}}",
          "invalid_field", "interaction_event"),
      new Case("{\"type\":\"interaction_event\",\"agent_id\":\"g\",\"event\":{\"timestamp\":\"yesterday\"}}",
          "invalid_field", "interaction_event"),
      new Case("{\"type\":\"notification_event\",\"event\":{\"text\":\"x\"}}", "missing_field", "notification_event"),
      new Case("{\"type\":\"notification_event\",\"agent_ids\":[1],\"event\":{}}", "invalid_field",
          "notification_event"),
      new Case("{\"type\":\"agent_state_snapshot\",\"agent_id\":\"g\"}", "missing_field", "agent_state_snapshot"),
      new Case("{\"type\":\"agent_state_snapshot\",\"agent_id\":\"g\",\"state\":\"x\"}", "invalid_field",
          "agent_state_snapshot"),
      new Case("{\"type\":\"agent_state_snapshot\",\"agent_id\":\"g\",\"state\":{}}", "missing_field",
          "agent_state_snapshot"),
      new Case("{\"type\":\"agent_state_snapshot\",\"agent_id\":\"g\",\"state\":{\"name\":5}}", "invalid_field",
          "agent_state_snapshot"),
      new Case("{\"type\":\"agent_state_snapshot\",\"agent_id\":\"g\",\"state\":{\"name\":\"G\",\"history_limit\":\"x\"}}",
          "invalid_field", "agent_state_snapshot"),
      new Case("{\"type\":\"agent_turn_result\",\"agent_id\":\"g\",\"tags\":[]}", "missing_field", "agent_turn_result"),
      new Case("{\"type\":\"agent_turn_result\",\"agent_id\":\"g\",\"turn_id\":\"t\"}", "missing_field",
          "agent_turn_result"),
      new Case("{\"type\":\"agent_turn_result\",\"agent_id\":\"g\",\"turn_id\":\"t\",\"tags\":\"x\"}", "invalid_field",
          "agent_turn_result"),
      new Case("{\"type\":\"agent_turn_result\",\"agent_id\":\"g\",\"turn_id\":\"t\",\"tags\":[{\"content\":\"x\"}]}",
          "missing_field", "agent_turn_result"),
      new Case("{\"type\":\"agent_turn_result\",\"agent_id\":\"g\",\"turn_id\":\"t\",\"tags\":[],\"interrupted\":\"yes\"}",
          "invalid_field", "agent_turn_result"),
      new Case("{\"type\":\"agent_turn_result\",\"agent_id\":\"g\",\"turn_id\":\"nope\",\"tags\":[]}", "unknown_turn",
          "agent_turn_result"),
      new Case("{\"type\":\"tool_results\",\"agent_id\":\"g\",\"turn_id\":\"t\"}", "missing_field", "tool_results"),
      new Case("{\"type\":\"tool_results\",\"agent_id\":\"g\",\"turn_id\":\"t\",\"results\":\"x\"}", "invalid_field",
          "tool_results"),
      new Case("{\"type\":\"tool_results\",\"agent_id\":\"g\",\"turn_id\":\"nope\",\"results\":[]}", "unknown_turn",
          "tool_results"),
      new Case("{\"type\":\"cancel_turn\"}", "missing_field", "cancel_turn"),
      new Case("{\"type\":\"reset_agent\",\"agent_id\":null}", "missing_field", "reset_agent"),
      new Case("{\"type\":\"ping\",\"id\":{\"a\":1}}", "invalid_field", "ping"));

  @Test
  void everyMalformedMessageGetsItsErrorAndThePingAfterItItsPong() {
    start(llm);
    WsClient c = connect();
    assertThat(CASES).hasSizeGreaterThanOrEqualTo(30);
    SoftAssertions softly = new SoftAssertions();
    int i = 0;
    for (Case k : CASES) {
      c.send(k.message());
      JsonNode error = c.next();
      String label = "case " + i + ": " + abbreviate(k.message());
      softly.assertThat(error.path("type").asText()).as(label).isEqualTo("error");
      softly.assertThat(error.path("code").asText()).as(label + " -> " + error).isEqualTo(k.code());
      softly.assertThat(error.path("message").asText()).as(label).isNotBlank().doesNotContain("Exception")
          .doesNotContain("at dev.").doesNotContain("com.fasterxml");
      if (k.inReplyTo() != null) {
        softly.assertThat(error.path("in_reply_to").asText()).as(label).isEqualTo(k.inReplyTo());
      }
      c.assertAlive("after-" + i);
      i++;
    }
    softly.assertAll();
    // Nothing was started by any of them.
    assertThat(llm.callCount()).isZero();
  }

  @Test
  void errorsNameTheAgentAndTurnTheyAnswer() {
    start(llm);
    WsClient c = connect();
    c.send("{\"type\":\"tool_results\",\"agentId\":\"brom\",\"turnId\":\"t-404\",\"results\":[]}");
    JsonNode error = c.next("error");
    assertThat(error.path("code").asText()).isEqualTo("unknown_turn");
    assertThat(error.path("agent_id").asText()).isEqualTo("brom");
    assertThat(error.path("turn_id").asText()).isEqualTo("t-404");
    assertThat(error.path("in_reply_to").asText()).isEqualTo("tool_results");
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
