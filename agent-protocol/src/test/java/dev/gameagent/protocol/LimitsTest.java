package dev.gameagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gameagent.core.ErrorCode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed input gets an {@code invalid_json} error with a plain message naming the
 * problem (and the limit, when one was hit), never Jackson's internals.
 */
class LimitsTest {
  private final ProtocolCodec codec = ProtocolCodec.newBuilder().build();

  private ProtocolException reject(ProtocolCodec codec, String text) {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(text, () -> "e"));
    assertThat(e).as("decoding %.80s", text).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertClean(e.getMessage());
    return e;
  }

  private static void assertClean(String message) {
    assertThat(message)
        .isNotBlank()
        .hasSizeLessThan(400)
        .doesNotContain("com.fasterxml", "jackson", "Jackson", "Exception", "`", "Source", "StreamReadConstraints",
            "REDACTED", "\n", "Feature");
  }

  @Test
  void deepNestingIsRejectedNamingTheLimit() {
    String deep = "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"x\":" + "[".repeat(10_000)
        + "]".repeat(10_000) + "}}";
    assertThat(reject(codec, deep).getMessage()).isEqualTo("the message nests deeper than 64 levels");
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    // The message object is level 1 and the event level 2, so 62 more levels fit.
    String json = "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"x\":" + "[".repeat(62)
        + "]".repeat(62) + "}}";
    assertThat(codec.decode(json, () -> "e")).isInstanceOf(ClientMessage.InteractionEventMessage.class);
    String tooDeep = "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"x\":" + "[".repeat(63)
        + "]".repeat(63) + "}}";
    reject(codec, tooDeep);
  }

  @Test
  void hugeStringIsRejectedNamingTheLimit() {
    ProtocolCodec small = ProtocolCodec.newBuilder().maxStringLength(1000).build();
    String json = "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"text\":\"" + "a".repeat(5000) + "\"}";
    assertThat(reject(small, json).getMessage()).isEqualTo("a string is longer than 1000 characters");
  }

  @Test
  void longMessageIsRejectedNamingTheLimit() {
    String json = "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"text\":\"" + "a".repeat((1 << 20) + 10) + "\"}";
    assertThat(reject(codec, json).getMessage()).isEqualTo("the message is longer than 1048576 characters");
  }

  @Test
  void hugeNumberTimestampIsAFieldErrorNotAHang() {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(
        "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"time\":1e999999999}", () -> "e"));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(e.field()).isEqualTo("time");
  }

  @Test
  void longNumberIsRejected() {
    reject(codec, "{\"type\":\"ping\",\"id\":" + "1".repeat(5000) + "}");
  }

  static Stream<String> malformed() {
    return Stream.of(
        "{",
        "{\"type\":",
        "{\"type\":\"ping\"",
        "{\"type\":\"ping\",}",
        "{'type':'ping'}",
        "{type:\"ping\"}",
        "{\"type\":\"pi\nng\"}",
        "{\"type\":NaN}",
        "{\"type\":tru}",
        "{\"type\":01}",
        "{\"type\":\"ping\"}}",
        "{\"type\":\"ping\"} x",
        "{\"type\":\"\\x\"}",
        "{\"type\":\"\\u12\"}",
        "/* comment */ {\"type\":\"ping\"}",
        "[1,2",
        "\"unterminated",
        "   ",
        "nul",
        "{\"a\":1 \"b\":2}");
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedJsonGetsAPlainMessage(String text) {
    String message = reject(codec, text).getMessage();
    assertThat(message).matches("(invalid JSON( at line \\d+, column \\d+)?: .+|the message is empty"
        + "|unexpected content after the JSON object at line \\d+, column \\d+|a message must be a JSON object, got .+)");
  }

  @Test
  void syntaxErrorsSayWhere() {
    assertThat(reject(codec, "{\"type\":\"ping\",}").getMessage()).startsWith("invalid JSON at line 1, column 16: ");
    assertThat(reject(codec, "{\"type\":").getMessage()).isEqualTo(
        "invalid JSON at line 1, column 9: the JSON ends before it is complete");
  }
}
