package dev.gameagent.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.parser.TagListener;
import dev.gameagent.core.parser.TagParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The offline model performs a declared action the player asks for, so a game can try its action
 * handling ("Open the gate!" plays {@code open_gate}) without a key; its answer is read back by
 * core's tag parser, as the server reads it.
 */
class OfflineCommandTest {
  private static final Map<String, Object> BROM = Map.of(
      "name", "Brom",
      "role", "town guard",
      "mood", "irritated",
      "location", "north gate",
      "output_tags", List.of(
          Map.of("name", "speech"),
          Map.of("name", "emotion", "values", List.of("calm", "furious")),
          Map.of("name", "action", "attributes", Map.of("name", List.of("salute", "open_gate", "open_gate_wide", "draw_sword")),
              "self_closing", true)));

  /** The answer's tags as the parser reports them: {@code name[attribute=value]=content}. */
  private static List<String> answer(Map<String, Object> spec, String text) {
    AgentSpec s = AgentSpec.fromMap(spec);
    String raw = new OfflineModel().answer(new OfflineTurn(OfflineCharacter.of(s), text, "player", "player_said", List.of()));
    List<String> tags = new ArrayList<>();
    List<String> open = new ArrayList<>();
    TagParser parser = TagParser.builder()
        .tags(s.outputTags())
        .tools(s.tools().stream().map(t -> t.name()).toList())
        .callIdPrefix("t-1")
        .listener(new TagListener() {
          @Override
          public void onOpen(int index, String tag, Map<String, String> attributes) {
            open.add(tag + (attributes.containsKey("name") ? "[" + attributes.get("name") + "]" : ""));
          }

          @Override
          public void onChunk(int index, String tag, String chunk) {}

          @Override
          public void onClose(int index, String tag, String content, boolean complete) {
            tags.add(open.get(index) + "=" + content);
          }
        })
        .build();
    parser.feed(raw);
    parser.finish();
    assertThat(parser.rejections()).as("rejections of %s", raw).isEmpty();
    return tags;
  }

  @Test
  void anOrderNamingADeclaredActionPerformsIt() {
    assertThat(answer(BROM, "Open the gate!")).contains("action[open_gate]=").anyMatch(t -> t.startsWith("speech="));
    assertThat(answer(BROM, "Can you open the gate, please?")).contains("action[open_gate]=");
    assertThat(answer(BROM, "Draw your sword")).contains("action[draw_sword]=");
  }

  @Test
  void theActionWithTheMostNamedWordsWins() {
    assertThat(answer(BROM, "Open the gate wide, friend")).contains("action[open_gate_wide]=");
  }

  @Test
  void wordsThatNameNoDeclaredActionChangeNothing() {
    assertThat(answer(BROM, "Hello there!")).contains("action[salute]=");
    assertThat(answer(BROM, "The gate looks old")).noneMatch(t -> t.startsWith("action"));
  }

  @Test
  void aThreatStaysAThreatEvenWhenItNamesAnAction() {
    assertThat(answer(BROM, "Open the gate or I will kill you!")).contains("emotion=furious", "action[draw_sword]=");
  }
}
