package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link GameSession#restoreHistory}: restored entries are confirmed history the next prompt sees. */
class GameSessionRestoreTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static InteractionEvent event(String id, String text) {
    return new InteractionEvent(id, "player_said", "player", "brom", text, Instant.parse("2026-01-02T03:04:05Z"),
        OnBusy.INTERRUPT, Map.of("mood", "angry"));
  }

  private static List<HistoryEntry> restored() {
    return List.of(
        new HistoryEntry.Event(event("e-7", "Where is the smith?"), Disposition.INTERACTION),
        new HistoryEntry.Turn("t-4", List.of(new ConfirmedTag("speech", Map.of(), "By the well.")), false),
        new HistoryEntry.Event(event("e-8", "A bell rings in the distance"), Disposition.NOTIFICATION),
        new HistoryEntry.ToolResults("t-4", List.of(new ToolResult("t-4.c1", "check_inventory", Map.of("count", 3), false))));
  }

  private static String promptText(LlmRequest request) {
    return request.messages().stream().map(ChatMessage::content).collect(Collectors.joining("\n"));
  }

  @Test
  void restoredEntriesReachTheNextPromptInOrderAndAreNotLoggedAgain() {
    f.session.restoreHistory("brom", restored());

    assertThat(f.session.history("brom")).containsExactlyElementsOf(restored());
    assertThat(f.logs.records()).isEmpty();

    f.llm.enqueue(Script.of("<speech>Hello again.</speech>"));
    String turnId = f.session.interact("brom", f.event("Thanks"));
    f.answerState(BROM);
    f.events.nextTerminal(turnId);

    String prompt = promptText(f.llm.requests().get(0));
    int question = prompt.indexOf("Where is the smith?");
    int answer = prompt.indexOf("By the well.");
    int bell = prompt.indexOf("A bell rings in the distance");
    int thanks = prompt.indexOf("Thanks");
    assertThat(question).isGreaterThanOrEqualTo(0);
    assertThat(answer).isGreaterThan(question);
    assertThat(bell).isGreaterThan(answer);
    assertThat(thanks).isGreaterThan(bell);
    // Only the new event was logged: restored entries are already in the log.
    assertThat(f.logs.records("history")).hasSize(1);
  }

  @Test
  void newIdsFollowRestoredOnes() {
    f.session.restoreHistory("brom", restored());

    assertThat(f.session.newEventId()).isEqualTo("e-9");
    String turnId = f.session.interact("brom", f.event("Thanks"));
    assertThat(turnId).isEqualTo("t-5");
    f.answerState(BROM);
    f.events.nextTerminal(turnId);
  }

  @Test
  void reservedIdsAreNeverHandedOutAgainAndAResultForOneIsUnknownTurn() {
    f.session.reserveIds(List.of("t-12", "e-30", "t-3", "npc-7", "t-x"));

    assertThat(f.session.newEventId()).isEqualTo("e-31");
    String turnId = f.session.interact("brom", f.event("Anyone there?"));
    assertThat(turnId).isEqualTo("t-13");
    assertThatThrownBy(() -> f.session.confirmTurn("brom", "t-12", List.of(), false))
        .isInstanceOfSatisfying(AgentRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TURN));
    f.answerState(BROM);
    f.events.nextTerminal(turnId);
  }

  @Test
  void aResultForARestoredTurnIsUnknownTurn() {
    f.session.restoreHistory("brom", restored());

    assertThatThrownBy(() -> f.session.confirmTurn("brom", "t-4", List.of(), false))
        .isInstanceOfSatisfying(AgentRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TURN));
    assertThat(f.session.history("brom")).containsExactlyElementsOf(restored());
  }

  @Test
  void restoringIntoAnAgentInUseIsRefusedAndChangesNothing() {
    f.llm.enqueue(Script.of("<speech>Hi.</speech>"));
    String turnId = f.session.interact("brom", f.event("Hello"));
    f.answerState(BROM);
    f.events.nextTerminal(turnId);
    List<HistoryEntry> before = f.session.history("brom");

    assertThatThrownBy(() -> f.session.restoreHistory("brom", restored())).isInstanceOf(IllegalStateException.class);
    assertThat(f.session.history("brom")).isEqualTo(before);
  }
}
