package dev.gameagent.core;

import static dev.gameagent.core.AgentSpecFixtures.map;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: each malformed field of a spec and the exact message that names it. */
class AgentSpecErrorsTest {

  static Stream<Arguments> malformedSpecs() {
    return Stream.of(
        bad(map(), "name must be a non-blank string"),
        bad(map("name", "  "), "name must be a non-blank string"),
        bad(map("name", 7), "name must be a non-blank string"),
        bad(map("name", null), "name must be a non-blank string"),
        bad(spec("role", List.of("guard")), "role must be a string"),
        bad(spec("description", 1), "description must be a string"),
        bad(spec("background", true), "background must be a string"),
        bad(spec("mood", map()), "mood must be a string"),
        bad(spec("location", 2.5), "location must be a string"),
        bad(spec("personality", 3), "personality must be a list or a string"),
        bad(spec("goals", map("a", 1)), "goals must be a list or a string"),
        bad(spec("knowledge", false), "knowledge must be a list or a string"),
        bad(spec("inventory", 1), "inventory must be a list or a string"),
        bad(spec("relationships", List.of("x")), "relationships must be an object"),
        bad(spec("world_state", "night"), "world_state must be an object"),
        bad(spec("worldState", "night"), "world_state must be an object"),
        bad(spec("instructions", List.of("a")), "instructions must be a string"),
        bad(spec("output_tags", "speech"), "output_tags must be a list of objects"),
        bad(spec("output_tags", List.of("speech")), "output_tags[0] must be an object"),
        bad(tags(map("description", "no name")), "output_tags[0].name must be a tag name (a letter or _, then letters, digits, _ - .)"),
        bad(tags(map("name", 5)), "output_tags[0].name must be a string"),
        bad(tags(map("name", "my tag")), "output_tags[0].name must be a tag name (a letter or _, then letters, digits, _ - .): \"my tag\""),
        bad(tags(map("name", "a"), map("name", "b", "values", "x")), "output_tags[1].values must be a list of strings"),
        bad(tags(map("name", "a"), map("name", "b", "values", List.of("x", 1))), "output_tags[1].values must be a list of strings"),
        bad(tags(map("name", "a", "description", 3)), "output_tags[0].description must be a string"),
        bad(tags(map("name", "a", "attributes", List.of("name"))), "output_tags[0].attributes must be an object"),
        bad(tags(map("name", "a", "attributes", map("name", "wave"))), "output_tags[0].attributes.name must be a list of strings"),
        bad(tags(map("name", "a", "attributes", map("bad name", null))), "output_tags[0].attributes.bad name is not an attribute name (a letter or _, then letters, digits, _ - .)"),
        bad(tags(map("name", "a", "self_closing", "yes")), "output_tags[0].self_closing must be a boolean"),
        bad(tags(map("name", "a", "selfClosing", 1)), "output_tags[0].self_closing must be a boolean"),
        bad(tags(map("name", "a", "self_closing", true, "selfClosing", true)), "output_tags[0].self_closing is given twice, as self_closing and selfClosing"),
        bad(tags(map("name", "a", "self_closing", true, "values", List.of("x"))), "output_tags[0] is self_closing, so it cannot declare values"),
        bad(tags(map("name", "say"), map("name", "SAY")), "output_tags[1].name \"SAY\" is declared twice"),
        bad(tags(map("name", "tool_call")), "output_tags[0].name tool_call is reserved for tool calls"),
        bad(spec("default_tag", 1), "default_tag must be a string"),
        bad(spec("default_tag", "shout"), "default_tag must name a declared output tag: \"shout\" is not one of [speech, emotion, action]"),
        bad(spec("tools", map()), "tools must be a list of objects"),
        bad(spec("tools", List.of(1)), "tools[0] must be an object"),
        bad(spec("tools", List.of(map("description", "x"))), "tools[0].name must be a non-blank string"),
        bad(spec("tools", List.of(map("name", "a", "description", List.of()))), "tools[0].description must be a string"),
        bad(spec("tools", List.of(map("name", "a", "parameters", "{}"))), "tools[0].parameters must be an object"),
        bad(spec("tools", List.of(map("name", "a", "parameters", map("x", new Object())))), "tools[0].parameters.x must be a string, number, boolean, null, list or object, not java.lang.Object"),
        bad(spec("tools", List.of(map("name", "a"), map("name", "a"))), "tools[1].name \"a\" is declared twice"),
        bad(spec("llm", "openai"), "llm must be an object"),
        bad(spec("llm", map("provider", 1)), "llm.provider must be a string"),
        bad(spec("llm", map("model", List.of())), "llm.model must be a string"),
        bad(spec("llm", map("temperature", "hot")), "llm.temperature must be a number in [0, 2]"),
        bad(spec("llm", map("temperature", 2.5)), "llm.temperature must be a number in [0, 2]"),
        bad(spec("llm", map("temperature", Double.NaN)), "llm.temperature must be a number in [0, 2]"),
        bad(spec("llm", map("max_tokens", 0)), "llm.max_tokens must be a positive integer"),
        bad(spec("llm", map("maxTokens", 1.5)), "llm.max_tokens must be an integer"),
        bad(spec("llm", map("max_tokens", 1, "maxTokens", 1)), "llm.max_tokens is given twice, as max_tokens and maxTokens"),
        bad(spec("history_limit", -1), "history_limit must be >= 0: -1"),
        bad(spec("history_limit", "40"), "history_limit must be an integer"),
        bad(spec("history_limit", 4.5), "history_limit must be an integer"),
        bad(spec("history_limit", 1e12), "history_limit must be an integer"),
        bad(spec("historyLimit", 1, "history_limit", 2), "history_limit is given twice, as history_limit and historyLimit"),
        bad(spec("quests", List.of(map("steps", List.of("a", new StringBuilder("b"))))), "quests[0].steps[1] must be a string, number, boolean, null, list or object, not java.lang.StringBuilder"),
        bad(spec("ledger", Map.of(1, "x")), "ledger must have string keys, not 1"));
  }

  private static Arguments bad(Map<String, Object> tree, String message) {
    return Arguments.of(tree, message);
  }

  private static Map<String, Object> spec(Object... keysAndValues) {
    Map<String, Object> tree = map("name", "Brom");
    tree.putAll(map(keysAndValues));
    return tree;
  }

  private static Map<String, Object> tags(Object... tags) {
    return spec("output_tags", List.of(tags));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("malformedSpecs")
  void wrongFieldIsNamed(Map<String, Object> tree, String message) {
    assertThatThrownBy(() -> AgentSpec.fromMap(tree))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
