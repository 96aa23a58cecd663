package dev.gameagent.core.parser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonObjectValidatorTest {

  @ParameterizedTest
  @ValueSource(strings = {
    "{}",
    " \n{ }\t",
    "{\"a\":1}",
    "{\"a\": -0.5e+10, \"b\": [true, false, null, \"x\", {}, []], \"c\": {\"d\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\"}}",
    "{\"a\":0,\"a\":1E3}",
    "{\"\u00e9\uD83D\uDE00\": \"\"}",
  })
  void acceptsObjects(String json) {
    assertThat(JsonObjectValidator.isObject(json)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", " ", "[]", "\"s\"", "1", "null", "{", "}", "{}}", "{} {}", "{\"a\"}", "{\"a\":}", "{a:1}",
    "{'a':1}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}",
    "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"line\nbreak\"}",
    "{\"a\":\"open}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "```json\n{}\n```",
  })
  void rejectsEverythingElse(String json) {
    assertThat(JsonObjectValidator.isObject(json)).isFalse();
  }

  @Test
  void limitsNesting() {
    String deep = "{\"a\":" + "[".repeat(JsonObjectValidator.MAX_DEPTH) + "]".repeat(JsonObjectValidator.MAX_DEPTH) + "}";
    assertThat(JsonObjectValidator.isObject(deep)).isFalse();
    String allowed = "{\"a\":" + "[".repeat(JsonObjectValidator.MAX_DEPTH - 1) + "]".repeat(JsonObjectValidator.MAX_DEPTH - 1) + "}";
    assertThat(JsonObjectValidator.isObject(allowed)).isTrue();
    assertThat(JsonObjectValidator.isObject("{\"a\":" + "[".repeat(100_000))).isFalse();
  }
}
