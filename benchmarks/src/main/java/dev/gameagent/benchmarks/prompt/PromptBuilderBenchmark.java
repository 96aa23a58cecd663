package dev.gameagent.benchmarks.prompt;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OnBusy;
import dev.gameagent.core.Prompt;
import dev.gameagent.core.PromptBuilder;
import dev.gameagent.core.ToolResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Prompt building per turn: a spec with 20 character fields (plus the output contract) and a
 * 40-entry history of events, notifications, confirmed turns and tool results.
 *
 * <ul>
 *   <li>{@code freshEqualSpec}: what a turn costs when the game sends an equal spec again, as it
 *       does before every turn: {@code AgentSpec.fromMap} of a new tree, then {@code build}. The
 *       system prompt comes from the builder's equality-keyed cache.
 *   <li>{@code sameSpecInstance}: {@code build} alone, with a spec the caller already holds.
 *   <li>{@code changedSpec}: the world changed since the last turn (one field differs every time),
 *       so the whole dossier is rendered again: {@code fromMap} plus {@code build} on a cache miss.
 *   <li>{@code coldCaches}: the worst case, a new builder each time, so the dossier and all 40
 *       history entries are rendered (a session's builder renders each entry once, when it is first
 *       prompted, and reuses that for later turns).
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PromptBuilder -f 1 -wi 3 -i 5 -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PromptBuilderBenchmark {
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  private PromptBuilder builder;
  private AgentSpec spec;
  private List<HistoryEntry> history;
  private HistoryEntry active;
  private long tick;

  @Setup
  public void setUp() {
    builder = PromptBuilder.defaults();
    spec = AgentSpec.fromMap(specTree(0));
    history = history();
    active = event(99, "player_said", "Open the gate, please. I have a letter for the mayor.");
  }

  @Benchmark
  public Prompt freshEqualSpec() {
    return builder.build(AgentSpec.fromMap(specTree(0)), history, active);
  }

  @Benchmark
  public Prompt sameSpecInstance() {
    return builder.build(spec, history, active);
  }

  @Benchmark
  public Prompt changedSpec() {
    return builder.build(AgentSpec.fromMap(specTree(++tick)), history, active);
  }

  @Benchmark
  public Prompt coldCaches() {
    return PromptBuilder.defaults().build(AgentSpec.fromMap(specTree(++tick)), history, active);
  }

  /** A spec tree as the protocol module hands it over: 20 character fields and the output contract. */
  static Map<String, Object> specTree(long tick) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("name", "Brom");
    tree.put("role", "town guard");
    tree.put("description", "A tired veteran who guards the north gate of Eastmarch.");
    tree.put("personality", List.of("gruff", "honest", "loyal", "suspicious of strangers"));
    tree.put("background", "Served twenty years in the border wars.\nLost two fingers to frostbite.");
    tree.put("goals", List.of("keep strangers out after dark", "retire with a pension"));
    tree.put("knowledge", List.of("the mayor left town yesterday", "bandits were seen near the mill",
        "the smith owes him money"));
    tree.put("relationships", map("player", "suspicious", "mayor", "loyal", "smith", "annoyed"));
    tree.put("mood", "irritated");
    tree.put("location", "north gate");
    tree.put("world_state", map("time", "night", "weather", "rain", "tick", tick));
    tree.put("inventory", List.of("spear", "gate key", "half a loaf of bread"));
    tree.put("health", map("hp", 34, "max_hp", 40, "wounds", List.of("old scar")));
    tree.put("quest_log", List.of(map("title", "Watch the road", "status", "active", "reward", 15)));
    tree.put("faction", "city watch");
    tree.put("age", 52);
    tree.put("speech_style", "short sentences, northern dialect");
    tree.put("fears", List.of("fire", "the dark forest"));
    tree.put("secrets", List.of("takes bribes from smugglers"));
    tree.put("schedule", map("night", "gate", "day", "barracks"));
    tree.put("instructions", "Keep answers under three sentences. Never open the gate at night without a pass.");
    tree.put("output_tags", List.of(
        map("name", "speech", "description", "Words spoken aloud"),
        map("name", "emotion", "description", "Current emotion", "values", List.of("neutral", "angry", "happy")),
        map("name", "action", "description", "A body action",
            "attributes", map("name", List.of("wave", "draw_sword", "open_gate")), "self_closing", true)));
    tree.put("default_tag", "speech");
    tree.put("tools", List.of(map("name", "check_inventory", "description", "Look up an item",
        "parameters", map("type", "object", "properties", map("item", map("type", "string"))))));
    tree.put("llm", map("provider", "openai", "model", "gpt-4o-mini", "temperature", 0.8, "max_tokens", 300));
    tree.put("history_limit", 40);
    return tree;
  }

  private static List<HistoryEntry> history() {
    List<HistoryEntry> entries = new ArrayList<>(40);
    for (int i = 0; entries.size() < 40; i++) {
      entries.add(event(i, "player_said", "Line " + i + ": is the gate open tonight, guard?"));
      String turnId = "t-" + i;
      switch (i % 4) {
        case 0 -> entries.add(new HistoryEntry.Turn(turnId, List.of(
            new ConfirmedTag("emotion", Map.of(), "angry"),
            new ConfirmedTag("speech", Map.of(), "Halt! Nobody passes after dark, not even you."),
            new ConfirmedTag("action", Map.of("name", "draw_sword"), "")), false));
        case 1 -> entries.add(new HistoryEntry.Turn(turnId, List.of(
            new ConfirmedTag("speech", Map.of(), "I said no. Go back to the in")), true));
        case 2 -> {
          entries.add(new HistoryEntry.Turn(turnId, List.of(new ConfirmedTag("tool_call",
              map2("name", "check_inventory", "call_id", turnId + ".c1"), "{\"item\":\"pass\"}")), false));
          entries.add(new HistoryEntry.ToolResults(turnId, List.of(
              new ToolResult(turnId + ".c1", "check_inventory", map("found", false, "count", 0), false))));
        }
        default -> entries.add(new HistoryEntry.Event(new InteractionEvent("n" + i, "bell_rang", null, null,
            "The bell of the chapel rings midnight.", T0, OnBusy.INTERRUPT, map("loud", true)),
            Disposition.NOTIFICATION));
      }
    }
    return List.copyOf(entries.subList(0, 40));
  }

  private static HistoryEntry event(int i, String kind, String text) {
    return new HistoryEntry.Event(new InteractionEvent("e" + i, kind, "player", "Brom", text, T0, OnBusy.INTERRUPT,
        map("distance", 3.5)), Disposition.INTERACTION);
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static Map<String, String> map2(String k1, String v1, String k2, String v2) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }
}
