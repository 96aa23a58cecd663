package dev.gameagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.StateRequest;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every server message, parsed back with Jackson and checked field by field, in the protocol's order. */
class EncodeTest {
  private final ProtocolCodec codec = ProtocolCodec.newBuilder().build();
  private final ObjectMapper jackson = new ObjectMapper();

  private JsonNode parse(byte[] bytes) throws IOException {
    return jackson.readTree(bytes);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void sessionStarted() throws IOException {
    JsonNode n = parse(codec.sessionStarted("s-1f3a", "game-agent", "0.1.0", true));
    assertThat(names(n)).containsExactly("type", "session_id", "protocol_version", "server", "resumed");
    assertThat(n.get("type").asText()).isEqualTo("session_started");
    assertThat(n.get("session_id").asText()).isEqualTo("s-1f3a");
    assertThat(n.get("protocol_version").intValue()).isEqualTo(1);
    assertThat(n.get("server").get("name").asText()).isEqualTo("game-agent");
    assertThat(n.get("server").get("version").asText()).isEqualTo("0.1.0");
    assertThat(n.get("resumed").booleanValue()).isTrue();
  }

  @Test
  void pongEchoesTheIdAsSent() throws IOException {
    JsonNode withString = parse(codec.pong("p-1", 1_700_000_000_123L));
    assertThat(names(withString)).containsExactly("type", "id", "server_time_ms");
    assertThat(withString.get("type").asText()).isEqualTo("pong");
    assertThat(withString.get("id").textValue()).isEqualTo("p-1");
    assertThat(withString.get("server_time_ms").longValue()).isEqualTo(1_700_000_000_123L);

    ClientMessage.Ping numeric = (ClientMessage.Ping) codec.decode("{\"type\":\"ping\",\"id\":12345678901234567890}", () -> "e");
    assertThat(parse(codec.pong(numeric.id(), 5)).get("id").bigIntegerValue())
        .isEqualTo(new BigInteger("12345678901234567890"));
    ClientMessage.Ping small = (ClientMessage.Ping) codec.decode("{\"type\":\"ping\",\"id\":7}", () -> "e");
    assertThat(new String(codec.pong(small.id(), 5), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"pong\",\"id\":7,\"server_time_ms\":5}");
    ClientMessage.Ping fraction = (ClientMessage.Ping) codec.decode("{\"type\":\"ping\",\"id\":1.5}", () -> "e");
    assertThat(parse(codec.pong(fraction.id(), 5)).get("id").doubleValue()).isEqualTo(1.5);
    // The same number, in Java's notation: what the docs promise for fractions.
    ClientMessage.Ping exponent = (ClientMessage.Ping) codec.decode("{\"type\":\"ping\",\"id\":1.5e3}", () -> "e");
    assertThat(new String(codec.pong(exponent.id(), 5), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"pong\",\"id\":1500.0,\"server_time_ms\":5}");

    JsonNode without = parse(codec.pong(null, 9));
    assertThat(names(without)).containsExactly("type", "server_time_ms");
  }

  @Test
  void getAgentState() throws IOException {
    JsonNode n = parse(codec.getAgentState(new StateRequest("s-1", "brom", "r-4", "e-2", "t-3")));
    assertThat(names(n)).containsExactly("type", "agent_id", "request_id", "event_id", "turn_id");
    assertThat(n.get("type").asText()).isEqualTo("get_agent_state");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("request_id").asText()).isEqualTo("r-4");
    assertThat(n.get("event_id").asText()).isEqualTo("e-2");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
  }

  @Test
  void errorWithEveryField() throws IOException {
    JsonNode n = parse(codec.error(ErrorCode.DUPLICATE_TURN_RESULT, "turn t-3 already has a result",
        "agent_turn_result", "brom", "t-3", "r-1"));
    assertThat(names(n)).containsExactly("type", "code", "message", "in_reply_to", "agent_id", "turn_id", "request_id");
    assertThat(n.get("type").asText()).isEqualTo("error");
    assertThat(n.get("code").asText()).isEqualTo("duplicate_turn_result");
    assertThat(n.get("message").asText()).isEqualTo("turn t-3 already has a result");
    assertThat(n.get("in_reply_to").asText()).isEqualTo("agent_turn_result");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.get("request_id").asText()).isEqualTo("r-1");
  }

  @Test
  void longErrorMessageIsCutWithAnEllipsisAndNoHalfSurrogate() throws IOException {
    String quoted = "agent brom has no turn " + "x".repeat(487) + "\uD83D\uDE00" + "y".repeat(5000);
    JsonNode n = parse(codec.error(ErrorCode.UNKNOWN_TURN, quoted, "tool_results", "brom", null, null));
    String message = n.get("message").asText();
    assertThat(message).hasSize(ProtocolCodec.MAX_ERROR_MESSAGE_LENGTH - 1).startsWith("agent brom has no turn xxx")
        .endsWith("x\u2026").doesNotContain("y");
    assertThat(parse(codec.error(ErrorCode.UNKNOWN_TURN, "short", null, null, null, null)).get("message").asText())
        .isEqualTo("short");
  }

  @Test
  void errorLeavesOutWhatIsUnknown() throws IOException {
    JsonNode n = parse(codec.error(ErrorCode.UNSUPPORTED_FRAME, "binary frames are not supported", null, null, null, null));
    assertThat(names(n)).containsExactly("type", "code", "message");
    assertThat(n.get("code").asText()).isEqualTo("unsupported_frame");
  }

  @Test
  void errorFromADecodeFailureNamesTheMessage() throws IOException {
    ProtocolException e = org.assertj.core.api.Assertions.catchThrowableOfType(ProtocolException.class,
        () -> codec.decode("{\"type\":\"agent_turn_result\",\"agent_id\":\"brom\",\"turn_id\":\"t-3\"}", () -> "e"));
    JsonNode n = parse(codec.error(e));
    assertThat(n.get("code").asText()).isEqualTo("missing_field");
    assertThat(n.get("message").asText()).isEqualTo("tags is missing (an agent_turn_result carries tags or buffer)");
    assertThat(n.get("in_reply_to").asText()).isEqualTo("agent_turn_result");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.has("request_id")).isFalse();
  }

  @Test
  void turnStarted() throws IOException {
    JsonNode n = parse(codec.turnEvent(new TurnEvent.Started("brom", "t-3", "e-2", TurnEvent.Cause.TOOL_RESULTS,
        "gpt-4o-mini", new TurnEvent.PromptStats(5, 3, 1, 812))));
    assertThat(names(n)).containsExactly("type", "agent_id", "turn_id", "event_id", "cause", "model", "prompt");
    assertThat(n.get("type").asText()).isEqualTo("agent_turn_started");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.get("event_id").asText()).isEqualTo("e-2");
    assertThat(n.get("cause").asText()).isEqualTo("tool_results");
    assertThat(n.get("model").asText()).isEqualTo("gpt-4o-mini");
    JsonNode prompt = n.get("prompt");
    assertThat(names(prompt)).containsExactly("message_count", "history_included", "history_dropped", "estimated_tokens");
    assertThat(prompt.get("message_count").intValue()).isEqualTo(5);
    assertThat(prompt.get("history_included").intValue()).isEqualTo(3);
    assertThat(prompt.get("history_dropped").intValue()).isEqualTo(1);
    assertThat(prompt.get("estimated_tokens").intValue()).isEqualTo(812);
  }

  @Test
  void tagOpen() throws IOException {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("name", "check_inventory");
    attributes.put("call_id", "t-3.c1");
    JsonNode n = parse(codec.turnEvent(new TurnEvent.TagOpen("brom", "t-3", 2, "tool_call", attributes)));
    assertThat(names(n)).containsExactly("type", "agent_id", "turn_id", "index", "tag", "attributes");
    assertThat(n.get("type").asText()).isEqualTo("agent_tag_open");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.get("index").intValue()).isEqualTo(2);
    assertThat(n.get("tag").asText()).isEqualTo("tool_call");
    assertThat(names(n.get("attributes"))).containsExactly("name", "call_id");
    assertThat(n.get("attributes").get("name").asText()).isEqualTo("check_inventory");
    assertThat(n.get("attributes").get("call_id").asText()).isEqualTo("t-3.c1");

    JsonNode empty = parse(codec.turnEvent(new TurnEvent.TagOpen("brom", "t-3", 0, "speech", Map.of())));
    assertThat(empty.get("attributes").isObject()).isTrue();
    assertThat(empty.get("attributes").size()).isZero();
  }

  @Test
  void tagChunk() throws IOException {
    JsonNode n = parse(codec.turnEvent(new TurnEvent.TagChunk("brom", "t-3", 0, "speech", "Halt! \"Who\" goes there?\n")));
    assertThat(names(n)).containsExactly("type", "agent_id", "turn_id", "index", "tag", "text");
    assertThat(n.get("type").asText()).isEqualTo("agent_tag_chunk");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.get("index").intValue()).isZero();
    assertThat(n.get("tag").asText()).isEqualTo("speech");
    assertThat(n.get("text").asText()).isEqualTo("Halt! \"Who\" goes there?\n");
  }

  @Test
  void tagClose() throws IOException {
    JsonNode n = parse(codec.turnEvent(new TurnEvent.TagClose("brom", "t-3", 1, "emotion", "angry", false)));
    assertThat(names(n)).containsExactly("type", "agent_id", "turn_id", "index", "tag", "content", "complete");
    assertThat(n.get("type").asText()).isEqualTo("agent_tag_close");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.get("index").intValue()).isEqualTo(1);
    assertThat(n.get("tag").asText()).isEqualTo("emotion");
    assertThat(n.get("content").asText()).isEqualTo("angry");
    assertThat(n.get("complete").booleanValue()).isFalse();
    assertThat(parse(codec.turnEvent(new TurnEvent.TagClose("brom", "t-3", 1, "emotion", "", true)))
        .get("complete").booleanValue()).isTrue();
  }

  @Test
  void turnInterrupted() throws IOException {
    JsonNode n = parse(codec.turnEvent(new TurnEvent.Interrupted("brom", "t-3", TurnEvent.InterruptReason.SUPERSEDED, "e-9")));
    assertThat(names(n)).containsExactly("type", "agent_id", "turn_id", "reason", "by_event_id");
    assertThat(n.get("type").asText()).isEqualTo("agent_turn_interrupted");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.get("reason").asText()).isEqualTo("superseded");
    assertThat(n.get("by_event_id").asText()).isEqualTo("e-9");

    JsonNode cancelled = parse(codec.turnEvent(new TurnEvent.Interrupted("brom", "t-3", TurnEvent.InterruptReason.CANCELLED, null)));
    assertThat(names(cancelled)).containsExactly("type", "agent_id", "turn_id", "reason");
    assertThat(cancelled.get("reason").asText()).isEqualTo("cancelled");
  }

  @Test
  void turnFinishedWithUsageAndRejections() throws IOException {
    JsonNode n = parse(codec.turnEvent(new TurnEvent.Finished("brom", "t-3", "stop", new Usage(812, 40),
        new TurnEvent.Timing(12, 340, 1900), List.of(new TagRejection("action", TagRejection.ATTRIBUTE_NOT_ALLOWED)), null)));
    assertThat(names(n)).containsExactly("type", "agent_id", "turn_id", "finish_reason", "usage", "timing", "rejected");
    assertThat(n.get("type").asText()).isEqualTo("agent_turn_finished");
    assertThat(n.get("agent_id").asText()).isEqualTo("brom");
    assertThat(n.get("turn_id").asText()).isEqualTo("t-3");
    assertThat(n.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(n.get("usage").get("prompt_tokens").intValue()).isEqualTo(812);
    assertThat(n.get("usage").get("completion_tokens").intValue()).isEqualTo(40);
    assertThat(names(n.get("timing"))).containsExactly("state_ms", "first_token_ms", "total_ms");
    assertThat(n.get("timing").get("state_ms").longValue()).isEqualTo(12);
    assertThat(n.get("timing").get("first_token_ms").longValue()).isEqualTo(340);
    assertThat(n.get("timing").get("total_ms").longValue()).isEqualTo(1900);
    assertThat(n.get("rejected")).hasSize(1);
    assertThat(n.get("rejected").get(0).get("tag").asText()).isEqualTo("action");
    assertThat(n.get("rejected").get(0).get("reason").asText()).isEqualTo("attribute_not_allowed");
  }

  @Test
  void turnFinishedWithErrorAndNoUsage() throws IOException {
    JsonNode n = parse(codec.turnEvent(new TurnEvent.Finished("brom", "t-3", "error", null,
        new TurnEvent.Timing(5000, -1, 5001), List.of(),
        new TurnEvent.TurnError(ErrorCode.LLM_ERROR, "provider rate limit", 429))));
    assertThat(names(n)).containsExactly("type", "agent_id", "turn_id", "finish_reason", "timing", "rejected", "error");
    assertThat(n.get("finish_reason").asText()).isEqualTo("error");
    assertThat(n.get("timing").get("first_token_ms").longValue()).isEqualTo(-1);
    assertThat(n.get("rejected").isArray()).isTrue();
    assertThat(n.get("rejected").size()).isZero();
    assertThat(names(n.get("error"))).containsExactly("code", "message", "status");
    assertThat(n.get("error").get("code").asText()).isEqualTo("llm_error");
    assertThat(n.get("error").get("message").asText()).isEqualTo("provider rate limit");
    assertThat(n.get("error").get("status").intValue()).isEqualTo(429);

    JsonNode timeout = parse(codec.turnEvent(new TurnEvent.Finished("brom", "t-3", "error", null,
        new TurnEvent.Timing(5000, -1, 5000), List.of(),
        new TurnEvent.TurnError(ErrorCode.STATE_TIMEOUT, "no agent_state_snapshot within 5000 ms", null))));
    assertThat(names(timeout.get("error"))).containsExactly("code", "message");
    assertThat(timeout.get("error").get("code").asText()).isEqualTo("state_timeout");
  }

  @Test
  void outputIsUtf8WithEmojiUnescaped() {
    byte[] bytes = codec.error(ErrorCode.INTERNAL, "caf\u00e9 \uD83D\uDE00", null, null, null, null);
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).isEqualTo("{\"type\":\"error\",\"code\":\"internal\",\"message\":\"caf\u00e9 \uD83D\uDE00\"}");
  }
}
