package dev.gameagent.core.parser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.OutputTag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TagDeclarationsTest {

  private static OutputTag emotion(String... values) {
    return new OutputTag("emotion", "", List.of(values), Map.of(), false);
  }

  @Test
  void aFreshButEqualDeclarationReusesTheNames() {
    TagNames first = TagDeclarations.names(List.of(emotion("happy"), OutputTag.text("speech", "a")), List.of());
    TagNames second = TagDeclarations.names(List.of(emotion("happy"), OutputTag.text("speech", "b")), List.of());

    assertThat(second).isSameAs(first);
  }

  @Test
  void aDifferentDeclarationIsBuiltAgain() {
    TagNames happy = TagDeclarations.names(List.of(emotion("happy")), List.of());
    TagNames sad = TagDeclarations.names(List.of(emotion("sad")), List.of());
    TagNames withTools = TagDeclarations.names(List.of(emotion("sad")), List.of("open_door"));

    assertThat(sad).isNotSameAs(happy);
    assertThat(allowedValue(sad.find("emotion"), "sad")).isEqualTo("sad");
    assertThat(allowedValue(sad.find("emotion"), "happy")).isNull();
    assertThat(sad.find("tool_call")).isNull();
    assertThat(withTools.find("tool_call").tool("OPEN_DOOR")).isEqualTo("open_door");
  }

  @Test
  void attributeOrderMattersSinceTheFirstOfNamesEqualIgnoringCaseCounts() {
    Map<String, List<String>> lowerFirst = new LinkedHashMap<>();
    lowerFirst.put("name", List.of());
    lowerFirst.put("NAME", List.of());
    Map<String, List<String>> upperFirst = new LinkedHashMap<>();
    upperFirst.put("NAME", List.of());
    upperFirst.put("name", List.of());

    DeclaredTag lower = TagDeclarations.names(
        List.of(new OutputTag("action", "", List.of(), lowerFirst, true)), List.of()).find("action");
    DeclaredTag upper = TagDeclarations.names(
        List.of(new OutputTag("action", "", List.of(), upperFirst, true)), List.of()).find("action");

    assertThat(lower.attributeName(attribute(lower, "Name"))).isEqualTo("name");
    assertThat(upper.attributeName(attribute(upper, "Name"))).isEqualTo("NAME");
  }

  private static String allowedValue(DeclaredTag tag, String content) {
    return tag.allowedValue(content.toCharArray(), 0, content.length());
  }

  private static int attribute(DeclaredTag tag, String name) {
    return tag.attribute(name.toCharArray(), 0, name.length());
  }
}
