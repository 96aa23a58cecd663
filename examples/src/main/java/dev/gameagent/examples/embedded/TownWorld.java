package dev.gameagent.examples.embedded;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.OutputTag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The game's own world model: the town of Millbrook at its north gate, and Brom, the guard who
 * keeps it. The game changes it as it runs (night falls, Brom walks to the gate), and so do Brom's
 * own actions ({@code draw_sword}, {@code open_gate}) and emotions. Before every turn the engine
 * asks for Brom's spec, and {@link #bromSpec()} builds it from the world as it is at that moment: the
 * prompt always reflects the current world.
 *
 * <p>Thread-safe: the game's thread changes the world while engine threads read Brom's spec and
 * the turn listener applies his actions.
 */
final class TownWorld {
  static final String BROM = "brom";

  /** What Brom may do: the game only lets the model use actions it knows how to play. */
  private static final List<String> ACTIONS = List.of("wave", "salute", "draw_sword", "sheathe_sword", "open_gate", "close_gate");
  private static final List<String> EMOTIONS = List.of("neutral", "happy", "suspicious", "angry", "afraid");

  private String timeOfDay = "evening";
  private String weather = "clear";
  private String bromMood = "bored";
  private String bromLocation = "the guardhouse by the north gate";
  private boolean gateOpen;
  private boolean swordDrawn;

  /** Brom's spec from the current world: his character, his mood and place, and what he may answer with. */
  synchronized AgentSpec bromSpec() {
    Map<String, Object> world = new LinkedHashMap<>();
    world.put("time", timeOfDay);
    world.put("weather", weather);
    world.put("gate", gateOpen ? "open" : "closed");
    return AgentSpec.builder("Brom")
        .field("role", "town guard")
        .field("description", "A tired veteran who guards the north gate of Millbrook.")
        .field("personality", List.of("gruff", "honest", "dutiful"))
        .field("goals", List.of("keep strangers out after dark", "get through the night without trouble"))
        .field("knowledge", List.of("the mayor left town yesterday", "wolves were seen near the old mill"))
        .field("relationships", Map.of("player", "a stranger he does not trust yet"))
        .field("mood", bromMood)
        .field("location", bromLocation)
        .field("world_state", world)
        .field("inventory", List.of(swordDrawn ? "sword (drawn)" : "sword (sheathed)", "gate key"))
        .outputTags(List.of(
            OutputTag.text("speech", "Words spoken aloud"),
            new OutputTag("emotion", "How Brom feels now", EMOTIONS, Map.of(), false),
            new OutputTag("action", "Something Brom does", List.of(), Map.of("name", ACTIONS), true)))
        .instructions("Keep answers under three sentences. Stay in character.")
        .build();
  }

  /** The game moves on: night falls, it starts to rain, and Brom takes up his post at the gate. */
  synchronized void nightFalls() {
    timeOfDay = "night";
    weather = "rain";
    bromLocation = "the north gate";
    bromMood = "tired";
  }

  /** Brom shows an emotion: it becomes his mood, which the next turn's prompt will carry. */
  synchronized String feel(String emotion) {
    bromMood = emotion;
    return "Brom looks " + emotion + ".";
  }

  /** Plays one of Brom's actions in the world; returns what the player sees. */
  synchronized String perform(String action) {
    switch (action) {
      case "draw_sword":
        swordDrawn = true;
        return "Brom draws his sword.";
      case "sheathe_sword":
        swordDrawn = false;
        return "Brom sheathes his sword.";
      case "open_gate":
        gateOpen = true;
        return "Brom unbars the gate and pushes it open.";
      case "close_gate":
        gateOpen = false;
        return "Brom slams the gate shut.";
      case "wave":
        return "Brom waves.";
      case "salute":
        return "Brom salutes.";
      default:
        // The spec only allows the actions above, so the engine never sends another one.
        return "Brom does something odd (" + action + ").";
    }
  }

  /** One line describing Brom now, for the end of the scene. */
  synchronized String describeBrom() {
    return "Brom is " + bromMood + " at " + bromLocation + ", sword " + (swordDrawn ? "drawn" : "sheathed")
        + ", gate " + (gateOpen ? "open" : "closed") + " (" + timeOfDay + ", " + weather + ").";
  }
}
