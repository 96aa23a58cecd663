package dev.gameagent.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.TurnListener;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import dev.gameagent.core.testing.TurnOrderChecker;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.RoutingLlmClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EmbeddedGameServerTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private final TurnOrderChecker turns = new TurnOrderChecker();
  private final List<TurnEvent> terminals = new CopyOnWriteArrayList<>();
  /** Watches the scene's turns: checks their order, keeps their terminal events. */
  private final TurnListener spectator = event -> {
    turns.accept(event);
    if (event.terminal()) {
      terminals.add(event);
    }
  };

  @Test
  void sceneOnTheOfflineModelSpeaksAndFinishesItsTurns() throws Exception {
    // What main gets with no API key in the environment, at full speed.
    LlmConfig noKey = LlmConfig.builder().offlineTokensPerSecond(0).build();
    assertThat(LlmClients.isOffline(noKey)).isTrue();
    try (RoutingLlmClient offline = LlmClients.create(noKey)) {
      List<HistoryEntry> history = EmbeddedGameServer.playScene(offline, out, spectator);

      turns.assertValid();
      turns.assertAllEnded();
      assertThat(turns.turnCount()).isEqualTo(3);
      List<TurnEvent.Finished> finished = terminals.stream()
          .filter(TurnEvent.Finished.class::isInstance).map(TurnEvent.Finished.class::cast).toList();
      // At full speed the question may finish before the threat arrives; greeting and threat always finish.
      assertThat(finished).hasSizeGreaterThanOrEqualTo(2).allSatisfy(f -> assertThat(f.finishReason()).isEqualTo("stop"));

      assertThat(events(history)).containsExactly(
          "INTERACTION player_greeted", "NOTIFICATION world_event", "INTERACTION player_asked", "INTERACTION player_threatened");
      List<HistoryEntry.Turn> confirmed = history.stream()
          .filter(HistoryEntry.Turn.class::isInstance).map(HistoryEntry.Turn.class::cast).toList();
      assertThat(confirmed).hasSize(3);
      String greetingSpeech = speech(confirmed.get(0));
      assertThat(greetingSpeech).isNotBlank();
      assertThat(output()).contains("Brom: " + greetingSpeech);
      assertThat(speech(confirmed.get(2))).isNotBlank();
    }
  }

  @Test
  void threatCutsOffTheAnswerInProgressAndBromRemembersWhatWasSaid() throws Exception {
    try (ScriptedLlmClient model = new ScriptedLlmClient()) {
      model.enqueue(Script.of("<speech>Evening. ", "State your business.</speech>"))
          .enqueue(Script.hanging("<speech>The gate stays closed until dawn, "))
          .enqueue(Script.of("<emotion>angry</emotion>", "<speech>Try it.</speech>", "<action name=\"draw_sword\"/>"));

      List<HistoryEntry> history = EmbeddedGameServer.playScene(model, out, spectator);

      turns.assertValid();
      turns.assertAllEnded();
      List<TurnEvent> ends = List.copyOf(terminals);
      assertThat(ends.get(0)).isInstanceOf(TurnEvent.Finished.class);
      assertThat(ends.get(1)).isInstanceOfSatisfying(TurnEvent.Interrupted.class,
          i -> assertThat(i.reason()).isEqualTo(TurnEvent.InterruptReason.SUPERSEDED));
      assertThat(ends.get(2)).isInstanceOf(TurnEvent.Finished.class);
      assertThat(model.cancelCount()).isEqualTo(1);

      List<HistoryEntry.Turn> confirmed = history.stream()
          .filter(HistoryEntry.Turn.class::isInstance).map(HistoryEntry.Turn.class::cast).toList();
      assertThat(confirmed).extracting(HistoryEntry.Turn::interrupted).containsExactly(false, true, false);
      assertThat(confirmed.get(1).tags()).containsExactly(new ConfirmedTag("speech", null, "The gate stays closed until dawn,"));
      assertThat(confirmed.get(2).tags()).containsExactly(
          new ConfirmedTag("emotion", null, "angry"),
          new ConfirmedTag("speech", null, "Try it."),
          new ConfirmedTag("action", Map.of("name", "draw_sword"), ""));

      assertThat(output()).contains(
          "Brom: Evening. State your business.",
          "Brom: The gate stays closed until dawn, —",
          "(Brom is cut off: superseded)",
          "(Brom looks angry.)",
          "Brom: Try it.",
          "*Brom draws his sword.*",
          "Brom is angry at the north gate, sword drawn, gate closed (night, rain).");
    }
  }

  @Test
  void bromsSpecFollowsTheWorld() {
    TownWorld world = new TownWorld();
    assertThat(world.bromSpec().fields()).containsEntry("mood", "bored");

    world.nightFalls();
    world.perform("open_gate");
    world.feel("afraid");

    assertThat(world.bromSpec().fields())
        .containsEntry("mood", "afraid")
        .containsEntry("location", "the north gate")
        .containsEntry("world_state", Map.of("time", "night", "weather", "rain", "gate", "open"));
  }

  private static List<String> events(List<HistoryEntry> history) {
    return history.stream()
        .filter(HistoryEntry.Event.class::isInstance).map(HistoryEntry.Event.class::cast)
        .map(e -> e.disposition() + " " + e.event().kind())
        .toList();
  }

  private static String speech(HistoryEntry.Turn turn) {
    return turn.tags().stream().filter(t -> t.tag().equals("speech")).map(ConfirmedTag::content)
        .collect(Collectors.joining(" "));
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }

}
