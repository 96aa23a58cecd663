package dev.gameagent.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Spec trees shared by the spec, dossier and prompt builder tests, written as Jackson would build them. */
final class AgentSpecFixtures {
  private AgentSpecFixtures() {}

  /** A mutable, ordered map of alternating keys and values. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static Map<String, Object> minimal() {
    return map("name", "Brom");
  }

  /** The example of the protocol's "agent_state_snapshot.state" section. */
  static Map<String, Object> protocolExample() {
    return map(
        "name", "Brom",
        "role", "town guard",
        "description", "A tired veteran who guards the north gate.",
        "personality", List.of("gruff", "honest"),
        "background", "...",
        "goals", List.of("keep strangers out after dark"),
        "knowledge", List.of("the mayor left town yesterday"),
        "relationships", map("player", "suspicious"),
        "mood", "irritated",
        "location", "north gate",
        "world_state", map("time", "night", "weather", "rain"),
        "inventory", List.of("spear", "gate key"),
        "instructions", "Keep answers under three sentences.",
        "output_tags", List.of(
            map("name", "speech", "description", "Words spoken aloud"),
            map("name", "emotion", "description", "Current emotion", "values", List.of("neutral", "angry", "happy")),
            map("name", "action", "description", "A body action",
                "attributes", map("name", List.of("wave", "draw_sword", "open_gate")), "self_closing", true)),
        "default_tag", "speech",
        "tools", List.of(map("name", "check_inventory", "description", "Look up an item",
            "parameters", map("type", "object", "properties", map("item", map("type", "string"))))),
        "llm", map("provider", "openai", "model", "gpt-4o-mini", "temperature", 0.8, "max_tokens", 300),
        "history_limit", 40);
  }

  /** Unknown fields of every JSON shape, in an order that is not alphabetical. */
  static Map<String, Object> unknownNested() {
    Map<String, Object> quest = map("title", "The lost ring", "status", "open",
        "steps", List.of("ask the smith", "search the well"), "reward", map("gold", 50, "item", null));
    return map(
        "mood", "wary",
        "name", "Mira",
        "quest_log", List.of(quest, "Feed the cat"),
        "description", "A herbalist.\nShe keeps to herself.\n",
        "worldState", map("day", 3, "temperature", 12.5, "raining", false, "events", List.of()),
        "npcID", 1042,
        "secrets", map(),
        "favoriteNumbers", List.of(7, 3.0, -1.25),
        "notes", "",
        "matrix", List.of(List.of(1, 2), List.of(3, 4)),
        "role", "herbalist");
  }

  /** Custom tags (attributes on a content tag, values, a default tag), two tools and long instructions. */
  static Map<String, Object> customTagsWithTools() {
    return map(
        "name", "Vex",
        "role", "merchant",
        "instructions", "Haggle hard.\nNever sell the amulet.",
        "outputTags", List.of(
            map("name", "say", "description", "Spoken words; keep them short."),
            map("name", "look", "description", "Where Vex looks",
                "attributes", map("at", List.of("player", "door", "shelf"), "how", null)),
            map("name", "mood", "values", List.of("greedy", "wary")),
            map("name", "trade", "attributes", map("item", List.of(), "price", List.of("\"fair\"", "a&b")),
                "selfClosing", true)),
        "defaultTag", "SAY",
        "tools", List.of(
            map("name", "price_of", "description", "Looks up the price of an item",
                "parameters", map("type", "object",
                    "properties", map("item", map("type", "string"), "quantity", map("type", "integer"),
                        "rare", map("type", "boolean")),
                    "required", List.of("item"))),
            map("name", "open_shop")),
        "llm", map("model", "small", "maxTokens", 120, "top_p", 0.9),
        "historyLimit", 12);
  }
}
