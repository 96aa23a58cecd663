package dev.gameagent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's in-memory history: reserved places, late fills, bounds and prompt views. */
class EngineHistoryTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static HistoryEntry event(String id) {
    return new HistoryEntry.Event(new InteractionEvent(id, null, "player", null, id, NOW, null, null),
        HistoryEntry.Disposition.INTERACTION);
  }

  private static HistoryEntry turn(String id) {
    return new HistoryEntry.Turn(id, List.of(), false);
  }

  @Test
  void lateResultsFillTheirReservedPlacesInOrder() {
    History history = new History(100);
    history.append(event("e1"));
    History.Slot t1 = history.reserve();
    history.append(event("e2"));
    History.Slot t2 = history.reserve();
    history.append(event("n1"));

    history.fill(t2, turn("t2"));
    history.fill(t1, turn("t1"));
    history.fill(null, turn("t3"));

    assertThat(history.entries()).containsExactly(
        event("e1"), turn("t1"), event("e2"), turn("t2"), event("n1"), turn("t3"));
  }

  @Test
  void oldestPlacesAreForgottenPastTheBoundAndTheirResultsIgnored() {
    History history = new History(3);
    history.append(event("e1"));
    History.Slot t1 = history.reserve();
    history.append(event("e2"));
    history.append(event("e3"));
    history.append(event("e4"));

    history.fill(t1, turn("t1"));

    assertThat(history.entries()).containsExactly(event("e2"), event("e3"), event("e4"));
  }

  @Test
  void promptViewLeavesOutTheActiveEntryWithoutCopyingWhenItIsLast() {
    History history = new History(10);
    HistoryEntry e1 = event("e1");
    HistoryEntry e2 = event("e2");
    HistoryEntry n1 = event("n1");
    history.append(e1);
    history.append(e2);

    List<HistoryEntry> view = history.promptView(e2);
    assertThat(view).containsExactly(e1);
    assertThatThrownBy(() -> view.add(n1)).isInstanceOf(UnsupportedOperationException.class);

    history.append(n1);
    assertThat(history.promptView(e2)).containsExactly(e1, n1);
    assertThat(history.promptView(null)).containsExactly(e1, e2, n1);
  }

  @Test
  void clearForgetsReservedPlacesToo() {
    History history = new History(10);
    history.append(event("e1"));
    History.Slot t1 = history.reserve();
    history.clear();
    history.append(event("e2"));

    history.fill(t1, turn("t1"));

    assertThat(history.entries()).containsExactly(event("e2"));
  }
}
