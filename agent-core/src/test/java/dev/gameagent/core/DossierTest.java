package dev.gameagent.core;

import static dev.gameagent.core.AgentSpecFixtures.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DossierTest {

  private static String character(Map<String, Object> fields) {
    StringBuilder out = new StringBuilder();
    Dossier.character(out, fields);
    return out.toString();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "world_state, World state",
      "worldState, World state",
      "world-state, World state",
      "questLog, Quest log",
      "name, Name",
      "HP, HP",
      "npcID, Npc ID",
      "maxHP, Max HP",
      "XMLParser, XML parser",
      "secret_NPC_notes, Secret NPC notes",
      "level2Boss, Level2 boss",
      "__private__, Private",
      "a, A",
      "___, ___",
  })
  void humanizesFieldNames(String key, String label) {
    assertThat(Dossier.humanize(key)).isEqualTo(label);
  }

  @Test
  void nameRoleAndDescriptionComeFirstThenTheGivenOrder() {
    String text = character(map("mood", "calm", "description", "Tall.", "zeal", 1, "name", "Brom", "apples", 2,
        "role", "guard"));

    assertThat(text).isEqualTo("""
        Name: Brom
        Role: guard
        Description: Tall.
        Mood: calm
        Zeal: 1
        Apples: 2
        """);
  }

  @Test
  void scalarsAreReadable() {
    String text = character(map("a", "  padded  ", "b", 3.0, "c", 2.5, "d", -7L, "e", true, "f", null, "g", "",
        "h", List.of(), "i", Map.of(), "j", new BigDecimal("10.50"), "k", 1e20));

    assertThat(text).isEqualTo("""
        A: padded
        B: 3
        C: 2.5
        D: -7
        E: true
        F: none
        G: none
        H: none
        I: none
        J: 10.5
        K: 1.0E20
        """);
  }

  @Test
  void multiLineTextIsIndentedUnderItsLabel() {
    String text = character(map("background", "Born in the north.\r\nServed ten years.\n\n  Retired.\n",
        "rumours", List.of("one\ntwo", "three")));

    assertThat(text).isEqualTo("""
        Background:
          Born in the north.
          Served ten years.

            Retired.
        Rumours:
          - one
            two
          - three
        """);
  }

  @Test
  void nestedListsAndObjectsAreIndented() {
    String text = character(map("party", List.of(
        map("name", "Ann", "skills", List.of("bow", "stealth"), "stats", map("hp", 10)),
        List.of("a", List.of("b")),
        "solo")));

    assertThat(text).isEqualTo("""
        Party:
          - name: Ann
            skills:
              - bow
              - stealth
            stats:
              hp: 10
          - - a
            - - b
          - solo
        """);
  }

  @Test
  void keysInsideValuesStayAsGiven() {
    assertThat(character(map("relationships", map("old_man", "friend", "theMayor", "boss"))))
        .isEqualTo("Relationships:\n  old_man: friend\n  theMayor: boss\n");
  }

  @Test
  void instructionsAreLastAndOmittedWhenBlank() {
    AgentSpec with = AgentSpec.builder("Brom").instructions("  Be brief.  ").build();
    AgentSpec blank = AgentSpec.builder("Brom").instructions(" ").build();

    assertThat(Dossier.systemPrompt(with)).endsWith("\n# Instructions\nBe brief.\n");
    assertThat(Dossier.systemPrompt(blank)).doesNotContain("# Instructions");
  }

  @Test
  void contractExampleEscapesValuesAndUsesFirstAllowedValues() {
    AgentSpec spec = AgentSpec.builder("Brom")
        .outputTags(List.of(
            new OutputTag("gesture", "", List.of(), Map.of("kind", List.of("a \"big\" <wave>", "nod")), true),
            new OutputTag("tone", "Tone", List.of("dry & cold", "warm"), Map.of(), false)))
        .build();

    String prompt = Dossier.systemPrompt(spec);

    assertThat(prompt)
        .contains("- <gesture kind=\"...\"/>: Self-closing, no content. Attribute kind: one of a \"big\" <wave>, nod.\n")
        .contains("- <tone>...</tone>: Tone. Content: one of dry & cold, warm.\n")
        .contains("\n<gesture kind=\"a &quot;big&quot; &lt;wave>\"/><tone>dry &amp; cold</tone>\n")
        .contains("Text outside the tags is ignored")
        .doesNotContain("Tools:");
  }
}
