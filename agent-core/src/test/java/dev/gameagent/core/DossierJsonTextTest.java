package dev.gameagent.core;

import static dev.gameagent.core.AgentSpecFixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The compact JSON used in prompts for tool parameters, tool outputs and event data. */
class DossierJsonTextTest {

  static Stream<Arguments> values() {
    return Stream.of(
        json(null, "null"),
        json(true, "true"),
        json(42, "42"),
        json(-7L, "-7"),
        json(3.0, "3"),
        json(-0.5, "-0.5"),
        json(0.1f, "0.1"),
        json(2.0f, "2"),
        json(1e20, "1.0E20"),
        json(Double.NaN, "null"),
        json(Double.POSITIVE_INFINITY, "null"),
        json(new BigDecimal("2.50"), "2.5"),
        json(new BigDecimal("100"), "100"),
        json(new BigDecimal("1E+30"), "1E+30"),
        json(new BigInteger("123456789012345678901234567890"), "123456789012345678901234567890"),
        json("plain ünïcødé 🎲", "\"plain ünïcødé 🎲\""),
        json("quote \" backslash \\ slash /", "\"quote \\\" backslash \\\\ slash /\""),
        json("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\""),
        json("\u0000\u001f\u007f", "\"\\u0000\\u001f\u007f\""),
        json("lone high \uD83C end", "\"lone high \\ud83c end\""),
        json("lone low \uDFB2 end", "\"lone low \\udfb2 end\""),
        json("high at end \uD83C", "\"high at end \\ud83c\""),
        json("reversed \uDFB2\uD83C", "\"reversed \\udfb2\\ud83c\""),
        json(List.of(), "[]"),
        json(map(), "{}"),
        json(map("b", 1, "a", List.of(true, map("x", null)), "c\"", "v"), "{\"b\":1,\"a\":[true,{\"x\":null}],\"c\\\"\":\"v\"}"),
        json(Arrays.asList(1, null, "s"), "[1,null,\"s\"]"),
        json(new Object[] {1, "a"}, "[1,\"a\"]"),
        json(java.time.Duration.ofSeconds(2), "\"PT2S\""));
  }

  private static Arguments json(Object value, String expected) {
    return Arguments.of(value, expected);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("values")
  void writesCompactJson(Object value, String expected) {
    assertThat(JsonText.write(value)).isEqualTo(expected);
  }
}
