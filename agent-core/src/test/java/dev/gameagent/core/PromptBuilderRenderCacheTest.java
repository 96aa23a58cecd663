package dev.gameagent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The memo behind the prompt builder: bounded, and never serving one entry's text for another. */
class PromptBuilderRenderCacheTest {

  @Test
  void remembersUntilTheEntryBoundIsPassedThenStartsOver() {
    RenderCache<String, String> cache = new RenderCache<>(2, 1000);
    cache.put("a", "A", 1);
    cache.put("b", "B", 1);

    assertThat(cache.get("a")).isEqualTo("A");
    cache.put("c", "C", 1);

    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("c")).isEqualTo("C");
  }

  @Test
  void startsOverWhenTheCharacterBoundIsPassedAndNeverHoldsAnOversizedValue() {
    RenderCache<String, String> cache = new RenderCache<>(100, 10);
    cache.put("a", "A", 6);
    cache.put("b", "B", 6);

    assertThat(cache.get("a")).isNull();
    assertThat(cache.get("b")).isEqualTo("B");

    cache.put("huge", "H", 11);
    assertThat(cache.get("huge")).isNull();
    assertThat(cache.get("b")).isEqualTo("B");
  }

  @Test
  void eachEntryIsRenderedOnceAcrossTurns() {
    AtomicInteger counted = new AtomicInteger();
    PromptBuilder builder = PromptBuilder.builder().tokenCounter(text -> {
      counted.incrementAndGet();
      return text.length();
    }).build();
    AgentSpec spec = AgentSpec.builder("Brom").build();
    List<HistoryEntry> history = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      history.add(new HistoryEntry.Event(InteractionEvent.of("e" + i, "player", "line " + i),
          HistoryEntry.Disposition.INTERACTION));
    }
    HistoryEntry active = new HistoryEntry.Event(InteractionEvent.of("e5", "player", "now"),
        HistoryEntry.Disposition.INTERACTION);

    Prompt first = builder.build(spec, history, active);
    int afterFirst = counted.get();
    Prompt second = builder.build(AgentSpec.builder("Brom").build(), history, active);

    assertThat(afterFirst).as("system + 5 entries + active").isEqualTo(7);
    assertThat(counted.get()).as("nothing rendered again").isEqualTo(afterFirst);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void anotherInstanceIsRenderedFromItsOwnContent() {
    PromptBuilder builder = PromptBuilder.builder().mergeConsecutiveRoles(false).build();
    AgentSpec spec = AgentSpec.builder("Brom").build();
    HistoryEntry a = new HistoryEntry.Turn("t-1", List.of(new ConfirmedTag("speech", Map.of(), "Halt!")), false);
    HistoryEntry b = new HistoryEntry.Turn("t-1", List.of(new ConfirmedTag("speech", Map.of(), "Halt!")), true);

    builder.build(spec, List.of(a), null);
    Prompt prompt = builder.build(spec, List.of(b), null);

    assertThat(prompt.request().messages()).extracting(m -> m.content()).endsWith(
        "<speech>Halt!</speech>", HistoryRenderer.INTERRUPTED_NOTE);
  }
}
