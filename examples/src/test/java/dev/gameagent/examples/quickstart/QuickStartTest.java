package dev.gameagent.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.GameSession;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RoutingLlmClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @Test
  void bromAnswersUsesHisToolAndRemembersEveryConfirmedTurn() throws Exception {
    try (RoutingLlmClient offline = LlmClients.create(LlmConfig.builder().offlineTokensPerSecond(0).build())) {
      GameSession session = QuickStart.play(offline, new NorthGate(out), out);

      List<HistoryEntry> history = session.history(NorthGate.BROM);
      assertThat(history).extracting(entry -> entry.getClass().getSimpleName())
          .containsExactly("Event", "Turn", "Event", "Turn", "ToolResults", "Turn");
      HistoryEntry.Turn greeting = (HistoryEntry.Turn) history.get(1);
      assertThat(greeting.interrupted()).isFalse();
      assertThat(greeting.tags()).anySatisfy(tag -> assertThat(tag.tag()).isEqualTo("speech"));
      // The tool call, confirmed by its results, and the results as the game returned them.
      HistoryEntry.Turn toolTurn = (HistoryEntry.Turn) history.get(3);
      assertThat(toolTurn.tags()).anySatisfy(tag -> {
        assertThat(tag.tag()).isEqualTo("tool_call");
        assertThat(tag.attributes()).containsEntry("name", "check_inventory").containsKey("call_id");
      });
      HistoryEntry.ToolResults results = (HistoryEntry.ToolResults) history.get(4);
      assertThat(results.results()).singleElement().satisfies(result -> {
        assertThat(result.name()).isEqualTo("check_inventory");
        assertThat(result.isError()).isFalse();
        assertThat(result.output()).isEqualTo(java.util.Map.of("item", "gate key", "found", true));
      });
      HistoryEntry.Turn afterTool = (HistoryEntry.Turn) history.get(5);
      assertThat(afterTool.tags()).anySatisfy(tag -> assertThat(tag.tag()).isEqualTo("speech"));

      String speech = greeting.tags().stream().filter(t -> t.tag().equals("speech")).findFirst().orElseThrow().content();
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("Brom: " + speech)
          .contains("(Brom looks for the gate key in his pack)");
    }
  }
}
