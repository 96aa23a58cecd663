package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The trees a game hands over in an event's data and a tool's output are copied at every depth:
 * what the game does with its own maps and lists afterwards changes no history and no prompt.
 */
class CopiedTreesTest {

  @Test
  void eventDataIsCopiedAtEveryDepth() {
    List<Object> inventory = new ArrayList<>(List.of("sword"));
    Map<String, Object> player = new LinkedHashMap<>(Map.of("inventory", inventory));
    Object marker = new Object();
    InteractionEvent event = new InteractionEvent("e-1", "player_said", "player", null, "hi", Instant.EPOCH,
        OnBusy.INTERRUPT, Map.of("player", player, "marker", marker));

    inventory.add("stolen crown");
    player.put("gold", 500);

    assertThat(event.data()).isEqualTo(Map.of("player", Map.of("inventory", List.of("sword")), "marker", marker));
    assertThat(event.data().get("marker")).as("a game's own object is kept, not rejected").isSameAs(marker);
  }

  @Test
  void toolOutputIsCopiedAtEveryDepth() {
    List<Object> items = new ArrayList<>(List.of("rope"));
    ToolResult result = new ToolResult("t-1.c1", "check_inventory", Map.of("items", items), false);

    items.clear();

    assertThat(result.output()).isEqualTo(Map.of("items", List.of("rope")));
  }

  @Test
  void theNextPromptShowsTheEventAsItWasWhenTheGameSentIt() {
    try (EngineFixture f = new EngineFixture()) {
      List<Object> seen = new ArrayList<>(List.of("a wolf"));
      InteractionEvent event = new InteractionEvent(f.session.newEventId(), "looked", "player", null, "look",
          Instant.EPOCH, OnBusy.INTERRUPT, Map.of("seen", seen));
      f.session.notify(List.of("brom"), event);
      seen.set(0, "a dragon");

      f.llm.enqueue(EngineFixture.pausedSpeech("Hm"));
      f.session.interact("brom", f.event("what now?"));
      f.answerState(BROM);

      String prompt = f.llm.awaitCall(0).request().messages().toString();
      assertThat(prompt).contains("a wolf").doesNotContain("a dragon");
    }
  }
}
