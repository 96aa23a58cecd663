package dev.gameagent.core;

import static dev.gameagent.core.AgentSpecFixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentSpecTest {

  @Test
  void fromMapReadsEveryFieldOfTheProtocolExample() {
    AgentSpec spec = AgentSpec.fromMap(AgentSpecFixtures.protocolExample());

    assertThat(spec.name()).isEqualTo("Brom");
    assertThat(spec.fields()).containsExactly(
        Map.entry("name", "Brom"),
        Map.entry("role", "town guard"),
        Map.entry("description", "A tired veteran who guards the north gate."),
        Map.entry("personality", List.of("gruff", "honest")),
        Map.entry("background", "..."),
        Map.entry("goals", List.of("keep strangers out after dark")),
        Map.entry("knowledge", List.of("the mayor left town yesterday")),
        Map.entry("relationships", Map.of("player", "suspicious")),
        Map.entry("mood", "irritated"),
        Map.entry("location", "north gate"),
        Map.entry("world_state", Map.of("time", "night", "weather", "rain")),
        Map.entry("inventory", List.of("spear", "gate key")));
    assertThat(spec.instructions()).isEqualTo("Keep answers under three sentences.");
    assertThat(spec.outputTags()).containsExactly(
        OutputTag.text("speech", "Words spoken aloud"),
        new OutputTag("emotion", "Current emotion", List.of("neutral", "angry", "happy"), Map.of(), false),
        new OutputTag("action", "A body action", List.of(),
            Map.of("name", List.of("wave", "draw_sword", "open_gate")), true));
    assertThat(spec.defaultTag()).isEqualTo("speech");
    assertThat(spec.tools()).containsExactly(new ToolSpec("check_inventory", "Look up an item",
        map("type", "object", "properties", map("item", map("type", "string")))));
    assertThat(spec.llm()).isEqualTo(new LlmSettings("openai", "gpt-4o-mini", 0.8, 300, Map.of()));
    assertThat(spec.historyLimit()).isEqualTo(40);
  }

  @Test
  void defaultsWhenOnlyNameIsGiven() {
    AgentSpec spec = AgentSpec.fromMap(map("name", "Brom"));

    assertThat(spec.fields()).containsExactly(Map.entry("name", "Brom"));
    assertThat(spec.outputTags()).isEqualTo(OutputTag.defaults());
    assertThat(spec.outputTags()).extracting(OutputTag::name).containsExactly("speech", "emotion", "action");
    assertThat(spec.defaultTag()).isNull();
    assertThat(spec.tools()).isEmpty();
    assertThat(spec.llm()).isEqualTo(LlmSettings.NONE);
    assertThat(spec.historyLimit()).isEqualTo(AgentSpec.DEFAULT_HISTORY_LIMIT).isEqualTo(40);
    assertThat(spec.instructions()).isNull();
  }

  @Test
  void defaultTagsAreSpeechEmotionAndAction() {
    List<OutputTag> tags = OutputTag.defaults();

    assertThat(tags.get(0)).isEqualTo(new OutputTag("speech", "Words spoken aloud", List.of(), Map.of(), false));
    assertThat(tags.get(1).values()).containsExactly("neutral", "happy", "sad", "angry", "afraid", "surprised");
    assertThat(tags.get(2).selfClosing()).isTrue();
    assertThat(tags.get(2).attributes()).containsExactly(Map.entry("name", List.of()));
  }

  @Test
  void nullsAndEmptyListsOfKnownFieldsMeanAbsent() {
    AgentSpec spec = AgentSpec.fromMap(map("name", "Brom", "role", null, "output_tags", List.of(), "tools", null,
        "llm", null, "history_limit", null, "default_tag", "", "instructions", null, "custom", null));

    assertThat(spec.fields()).isEqualTo(map("name", "Brom", "custom", null));
    assertThat(spec.fields().keySet()).containsExactly("name", "custom");
    assertThat(spec.outputTags()).isEqualTo(OutputTag.defaults());
    assertThat(spec.defaultTag()).isNull();
    assertThat(spec.historyLimit()).isEqualTo(40);
    assertThat(spec.llm()).isEqualTo(LlmSettings.NONE);
  }

  @Test
  void unknownFieldsAreKeptInOrderAsGiven() {
    AgentSpec spec = AgentSpec.fromMap(AgentSpecFixtures.unknownNested());

    assertThat(spec.fields().keySet()).containsExactly("mood", "name", "quest_log", "description", "world_state",
        "npcID", "secrets", "favoriteNumbers", "notes", "matrix", "role");
    assertThat(spec.fields().get("quest_log")).isEqualTo(AgentSpecFixtures.unknownNested().get("quest_log"));
    assertThat(spec.fields().get("npcID")).isEqualTo(1042);
    @SuppressWarnings("unchecked")
    Map<String, Object> world = (Map<String, Object>) spec.fields().get("world_state");
    assertThat(world.keySet()).containsExactly("day", "temperature", "raining", "events");
  }

  @Test
  void camelCaseKnownKeysAreStoredInSnakeCase() {
    AgentSpec spec = AgentSpec.fromMap(AgentSpecFixtures.customTagsWithTools());

    assertThat(spec.outputTags()).extracting(OutputTag::name).containsExactly("say", "look", "mood", "trade");
    assertThat(spec.outputTags().get(3).selfClosing()).isTrue();
    assertThat(spec.outputTags().get(1).attributes())
        .containsExactly(Map.entry("at", List.of("player", "door", "shelf")), Map.entry("how", List.of()));
    assertThat(spec.defaultTag()).as("matched case-insensitively, stored as declared").isEqualTo("say");
    assertThat(spec.historyLimit()).isEqualTo(12);
    assertThat(spec.llm()).isEqualTo(new LlmSettings(null, "small", null, 120, map("top_p", 0.9)));
    assertThat(spec.tools()).extracting(ToolSpec::name).containsExactly("price_of", "open_shop");
    assertThat(spec.tools().get(1).parameters()).isEmpty();

    AgentSpec camel = AgentSpec.fromMap(map("name", "Mira", "worldState", map("day", 1)));
    assertThat(camel.fields()).containsOnlyKeys("name", "world_state");
  }

  @Test
  void integralNumbersOfAnyTypeAreIntegers() {
    for (Object forty : List.of(40, 40L, (short) 40, 40.0, 40.0f, BigInteger.valueOf(40), new BigDecimal("40.00"))) {
      assertThat(AgentSpec.fromMap(map("name", "B", "history_limit", forty)).historyLimit()).as("%s", forty)
          .isEqualTo(40);
    }
    assertThat(AgentSpec.fromMap(map("name", "B", "history_limit", 0)).historyLimit()).isZero();
    assertThat(AgentSpec.fromMap(map("name", "B", "llm", map("temperature", 1))).llm().temperature()).isEqualTo(1.0);
  }

  @Test
  void fieldsAreDeeplyCopiedAndImmutable() {
    List<Object> inventory = new ArrayList<>(List.of("spear"));
    Map<String, Object> world = map("time", "night", "guards", new ArrayList<>(List.of("Tom")));
    Map<String, Object> tree = map("name", "Brom", "inventory", inventory, "world_state", world);
    AgentSpec spec = AgentSpec.fromMap(tree);

    inventory.add("gate key");
    world.put("weather", "rain");
    tree.put("mood", "happy");

    assertThat(spec.fields()).containsExactly(Map.entry("name", "Brom"), Map.entry("inventory", List.of("spear")),
        Map.entry("world_state", map("time", "night", "guards", List.of("Tom"))));
    assertThatThrownBy(() -> spec.fields().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> copied = (List<Object>) spec.fields().get("inventory");
    assertThatThrownBy(() -> copied.add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.outputTags().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.tools().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalTreesGiveEqualSpecs() {
    AgentSpec a = AgentSpec.fromMap(AgentSpecFixtures.protocolExample());
    AgentSpec b = AgentSpec.fromMap(AgentSpecFixtures.protocolExample());
    Map<String, Object> changed = AgentSpecFixtures.protocolExample();
    changed.put("mood", "calm");

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(AgentSpec.fromMap(changed));
    assertThat(a).isNotEqualTo(a.newBuilder().historyLimit(3).build());
    assertThat(a).isNotEqualTo(a.newBuilder().defaultTag(null).build());
    assertThat(a.toString()).contains("name=Brom", "outputTags=[speech, emotion, action]", "tools=[check_inventory]");
  }

  @Test
  void toMapRoundTrips() {
    for (Map<String, Object> tree : List.of(AgentSpecFixtures.minimal(), AgentSpecFixtures.protocolExample(),
        AgentSpecFixtures.unknownNested(), AgentSpecFixtures.customTagsWithTools())) {
      AgentSpec spec = AgentSpec.fromMap(tree);
      assertThat(AgentSpec.fromMap(spec.toMap())).isEqualTo(spec);
    }
    Map<String, Object> map = AgentSpec.fromMap(AgentSpecFixtures.customTagsWithTools()).toMap();
    assertThat(map.keySet()).containsExactly("name", "role", "instructions", "output_tags", "default_tag", "tools",
        "llm", "history_limit");
    assertThat(map.get("llm")).isEqualTo(map("model", "small", "max_tokens", 120, "top_p", 0.9));
  }

  @Test
  void builderMakesTheSameSpecAsFromMap() {
    AgentSpec built = AgentSpec.builder("Brom")
        .field("role", "town guard")
        .field("worldState", map("time", "night"))
        .field("secret", List.of(1, 2))
        .outputTags(List.of(OutputTag.text("speech", "Words")))
        .defaultTag("speech")
        .tools(List.of(new ToolSpec("look", "Looks", Map.of())))
        .llm(new LlmSettings("openai", "m", 0.5, 100, Map.of()))
        .historyLimit(5)
        .instructions("Be brief.")
        .build();

    AgentSpec parsed = AgentSpec.fromMap(map("name", "Brom", "role", "town guard", "world_state", map("time", "night"),
        "secret", List.of(1, 2), "output_tags", List.of(map("name", "speech", "description", "Words")),
        "default_tag", "speech", "tools", List.of(map("name", "look", "description", "Looks")),
        "llm", map("provider", "openai", "model", "m", "temperature", 0.5, "max_tokens", 100),
        "history_limit", 5, "instructions", "Be brief."));

    assertThat(built).isEqualTo(parsed);
    assertThat(built.newBuilder().build()).isEqualTo(built);
  }

  @Test
  void builderChecksFieldsAsTheyAreSet() {
    AgentSpec.Builder builder = AgentSpec.builder("Brom");

    assertThatThrownBy(() -> builder.field("output_tags", List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output_tags is not a character field");
    assertThatThrownBy(() -> builder.field("mood", 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mood must be a string");
    assertThatThrownBy(() -> builder.field("secret", new Object())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("secret must be a string, number, boolean, null, list or object");
    assertThatThrownBy(() -> builder.historyLimit(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("history_limit must be >= 0: -1");
    assertThatThrownBy(() -> AgentSpec.builder(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must be a non-blank string");
    assertThatThrownBy(() -> builder.defaultTag("shout").build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("default_tag must name a declared output tag");
  }

  @Test
  void renamingKeepsTheNameFieldInPlace() {
    AgentSpec spec = AgentSpec.fromMap(map("role", "guard", "name", "Brom", "mood", "calm"))
        .newBuilder().name("Bram").build();

    assertThat(spec.name()).isEqualTo("Bram");
    assertThat(spec.fields()).containsExactly(Map.entry("role", "guard"), Map.entry("name", "Bram"),
        Map.entry("mood", "calm"));
  }
}
