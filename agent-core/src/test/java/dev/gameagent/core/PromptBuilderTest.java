package dev.gameagent.core;

import static dev.gameagent.core.AgentSpecFixtures.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.ChatMessage.Role;
import dev.gameagent.core.llm.LlmRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {
  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
  private static final AgentSpec BROM = AgentSpec.fromMap(AgentSpecFixtures.protocolExample());

  /** Counts one token per message, whatever its text, so budgets are counted in messages. */
  private static final TokenCounter ONE_PER_MESSAGE = text -> 1;

  private static PromptBuilder unmerged() {
    return PromptBuilder.builder().mergeConsecutiveRoles(false).build();
  }

  private static InteractionEvent event(String id, String kind, String source, String target, String text,
      Map<String, Object> data) {
    return new InteractionEvent(id, kind, source, target, text, T0, OnBusy.INTERRUPT, data);
  }

  private static HistoryEntry said(String id, String text) {
    return new HistoryEntry.Event(event(id, "player_said", "player", "Brom", text, Map.of()), Disposition.INTERACTION);
  }

  private static HistoryEntry.Turn turn(String turnId, boolean interrupted, ConfirmedTag... tags) {
    return new HistoryEntry.Turn(turnId, List.of(tags), interrupted);
  }

  private static ConfirmedTag speech(String content) {
    return new ConfirmedTag("speech", Map.of(), content);
  }

  private static List<String> contents(Prompt prompt) {
    return prompt.request().messages().stream().map(ChatMessage::content).toList();
  }

  private static List<Role> roles(Prompt prompt) {
    return prompt.request().messages().stream().map(ChatMessage::role).toList();
  }

  @Test
  void systemMessageThenHistoryThenActiveEvent() {
    List<HistoryEntry> history = List.of(said("e1", "Hello"), turn("t-1", false, speech("Halt!")));

    Prompt prompt = unmerged().build(BROM, history, said("e2", "Let me in"));

    assertThat(roles(prompt)).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
    assertThat(contents(prompt)).containsExactly(
        PromptBuilder.defaults().systemPrompt(BROM),
        "[player_said] player to Brom: \"Hello\"",
        "<speech>Halt!</speech>",
        "[player_said] player to Brom: \"Let me in\"");
  }

  @Test
  void systemPromptIsTheDossierWithContractAndInstructions() {
    String system = PromptBuilder.defaults().systemPrompt(BROM);

    assertThat(system).startsWith("You are Brom, a character in a game.")
        .contains("# Character\nName: Brom\nRole: town guard\n")
        .contains("# How to answer\n")
        .endsWith("# Instructions\nKeep answers under three sentences.\n");
    assertThat(system.indexOf("# Character")).isLessThan(system.indexOf("# How to answer"));
  }

  @Test
  void eventsSayWhoDidWhatWithCompactData() {
    Map<String, Object> data = map("item", "sword", "count", 2, "weight", 3.0, "tags", List.of("sharp"));
    List<HistoryEntry> history = List.of(
        new HistoryEntry.Event(event("e1", "item_given", "player", "Brom", "Take it", data), Disposition.INTERACTION),
        new HistoryEntry.Event(event("e2", "bell_rang", null, null, "", Map.of()), Disposition.NOTIFICATION),
        new HistoryEntry.Event(event("e3", "weather", null, null, "It starts to rain \"hard\"\n", Map.of()),
            Disposition.NOTIFICATION),
        new HistoryEntry.Event(event("e4", "player_said", "player", null, "Wait!", Map.of()), Disposition.DROPPED),
        new HistoryEntry.Event(event("e5", "knock", null, "Brom", "", map("door", "north")), Disposition.INTERACTION));

    Prompt prompt = unmerged().build(BROM, history, said("e6", "Hi"));

    assertThat(contents(prompt).subList(1, 6)).containsExactly(
        "[item_given] player to Brom: \"Take it\" {\"item\":\"sword\",\"count\":2,\"weight\":3,\"tags\":[\"sharp\"]}",
        "[bell_rang] (notification)",
        "[weather] \"It starts to rain \\\"hard\\\"\\n\" (notification)",
        "[player_said] player: \"Wait!\" (dropped: you did not answer it)",
        "[knock] to Brom {\"door\":\"north\"}");
  }

  @Test
  void turnsAreAssistantMessagesInEscapedTagForm() {
    HistoryEntry history = turn("t-1", false,
        speech("Halt! <b>5 < 6</b> & more"),
        new ConfirmedTag("action", Map.of("name", "wave"), ""),
        new ConfirmedTag("action", Map.of("name", "say \"hi\" & <go>"), ""),
        new ConfirmedTag("emotion", Map.of(), "angry"),
        new ConfirmedTag("tool_call", map2("name", "check_inventory", "call_id", "t-1.c1"), "{\"item\":\"spear\"}"));

    Prompt prompt = unmerged().build(BROM, List.of(history), said("e2", "Hm?"));

    assertThat(prompt.request().messages().get(1)).isEqualTo(ChatMessage.assistant(
        "<speech>Halt! &lt;b&gt;5 &lt; 6&lt;/b&gt; &amp; more</speech>"
            + "<action name=\"wave\"/>"
            + "<action name=\"say &quot;hi&quot; &amp; &lt;go>\"/>"
            + "<emotion>angry</emotion>"
            + "<tool_call name=\"check_inventory\" call_id=\"t-1.c1\">{\"item\":\"spear\"}</tool_call>"));
  }

  private static Map<String, String> map2(String k1, String v1, String k2, String v2) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  @Test
  void interruptedAndEmptyTurnsAreMarked() {
    List<HistoryEntry> history = List.of(
        turn("t-1", true, speech("Halt! Who goes th")),
        turn("t-2", true),
        turn("t-3", false));

    Prompt prompt = unmerged().build(BROM, history, said("e4", "Me"));

    assertThat(prompt.request().messages().subList(1, 5)).containsExactly(
        ChatMessage.assistant("<speech>Halt! Who goes th</speech>"),
        ChatMessage.user("(your answer was interrupted here: only the part above was seen and heard)"),
        ChatMessage.user("(your answer was interrupted before you said or did anything)"),
        ChatMessage.user("(you did not answer)"));
    assertThat(prompt.stats().historyIncluded()).isEqualTo(3);
  }

  @Test
  void toolResultsAreUserTextNeverAToolRole() {
    List<HistoryEntry> history = List.of(
        new HistoryEntry.ToolResults("t-3", List.of(new ToolResult("t-3.c1", "check_inventory", map("found", true), false))),
        new HistoryEntry.ToolResults("t-4", List.of(
            new ToolResult("t-4.c1", "check_inventory", null, false),
            new ToolResult("t-4.c2", "", "no such tool", true))),
        new HistoryEntry.ToolResults("t-5", List.of()));

    Prompt prompt = unmerged().build(BROM, history, said("e9", "So?"));

    assertThat(roles(prompt)).doesNotContain(Role.ASSISTANT).containsOnly(Role.SYSTEM, Role.USER);
    assertThat(contents(prompt).subList(1, 4)).containsExactly(
        "Tool results for turn t-3: check_inventory (t-3.c1) -> {\"found\":true}",
        "Tool results for turn t-4:\ncheck_inventory (t-4.c1) -> null\n(t-4.c2) -> error: \"no such tool\"",
        "Tool results for turn t-5: none");
  }

  @Test
  void consecutiveSameRoleMessagesAreMergedByDefault() {
    List<HistoryEntry> history = List.of(
        said("e1", "Hello"),
        new HistoryEntry.Event(event("e2", "bell_rang", null, null, "", Map.of()), Disposition.NOTIFICATION),
        turn("t-1", false, speech("Halt!")),
        turn("t-2", false, speech("Go away.")),
        turn("t-3", true, speech("I said")));

    Prompt prompt = PromptBuilder.defaults().build(BROM, history, said("e3", "Please"));

    assertThat(roles(prompt)).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
    assertThat(contents(prompt).subList(1, 4)).containsExactly(
        "[player_said] player to Brom: \"Hello\"\n\n[bell_rang] (notification)",
        "<speech>Halt!</speech>\n\n<speech>Go away.</speech>\n\n<speech>I said</speech>",
        HistoryRenderer.INTERRUPTED_NOTE + "\n\n[player_said] player to Brom: \"Please\"");
    assertThat(prompt.stats().messageCount()).isEqualTo(4);
    assertThat(prompt.stats().historyIncluded()).isEqualTo(5);
  }

  @Test
  void mergingCanBeTurnedOff() {
    List<HistoryEntry> history = List.of(said("e1", "Hello"), said("e2", "Hello?"));

    Prompt prompt = unmerged().build(BROM, history, said("e3", "Anyone?"));

    assertThat(roles(prompt)).containsExactly(Role.SYSTEM, Role.USER, Role.USER, Role.USER);
    assertThat(prompt.stats().messageCount()).isEqualTo(4);
  }

  @Test
  void budgetDropsOldestEntriesFirst() {
    // One token per message: system 1 + active 1 leaves 3 for history.
    PromptBuilder builder = PromptBuilder.builder().tokenCounter(ONE_PER_MESSAGE).contextBudgetTokens(5)
        .mergeConsecutiveRoles(false).build();
    List<HistoryEntry> history = IntStream.rangeClosed(1, 6).mapToObj(i -> said("e" + i, "line " + i)).toList();

    Prompt prompt = builder.build(BROM, history, said("e7", "now"));

    assertThat(contents(prompt).subList(1, contents(prompt).size())).containsExactly(
        "[player_said] player to Brom: \"line 4\"",
        "[player_said] player to Brom: \"line 5\"",
        "[player_said] player to Brom: \"line 6\"",
        "[player_said] player to Brom: \"now\"");
    assertThat(prompt.stats()).isEqualTo(new TurnEvent.PromptStats(5, 3, 3, 5));
  }

  @Test
  void anEntryThatDoesNotFitStopsTheWalkSoNoOlderEntryJumpsTheGap() {
    // Budget by characters: the interrupted turn costs two messages, so it does not fit after the newest.
    PromptBuilder builder = PromptBuilder.builder().tokenCounter(ONE_PER_MESSAGE).contextBudgetTokens(4)
        .mergeConsecutiveRoles(false).build();
    List<HistoryEntry> history = List.of(said("e1", "old"), turn("t-1", true, speech("Hal")), said("e2", "new"));

    Prompt prompt = builder.build(BROM, history, said("e3", "now"));

    assertThat(contents(prompt)).hasSize(3);
    assertThat(contents(prompt).get(1)).isEqualTo("[player_said] player to Brom: \"new\"");
    assertThat(prompt.stats()).isEqualTo(new TurnEvent.PromptStats(3, 1, 2, 3));
  }

  @Test
  void estimatedTokensSumThePerMessageEstimates() {
    TokenCounter chars = CharSequence::length;
    PromptBuilder builder = PromptBuilder.builder().tokenCounter(chars).build();
    List<HistoryEntry> history = List.of(said("e1", "a"), turn("t-1", false, speech("b")));
    HistoryEntry active = said("e2", "c");

    Prompt prompt = builder.build(BROM, history, active);

    int expected = builder.systemPrompt(BROM).length()
        + "[player_said] player to Brom: \"a\"".length()
        + "<speech>b</speech>".length()
        + "[player_said] player to Brom: \"c\"".length();
    assertThat(prompt.stats()).isEqualTo(new TurnEvent.PromptStats(4, 2, 0, expected));
  }

  @Test
  void defaultEstimateIsCharsOverFourRoundedUp() {
    Prompt prompt = PromptBuilder.defaults().build(BROM, List.of(), said("e1", "Hi"));

    String system = PromptBuilder.defaults().systemPrompt(BROM);
    int active = "[player_said] player to Brom: \"Hi\"".length();
    assertThat(prompt.stats().estimatedTokens()).isEqualTo((system.length() + 3) / 4 + (active + 3) / 4);
  }

  @Test
  void historyLimitKeepsTheMostRecentEntries() {
    AgentSpec spec = BROM.newBuilder().historyLimit(2).build();
    List<HistoryEntry> history = IntStream.rangeClosed(1, 5).mapToObj(i -> said("e" + i, "line " + i)).toList();

    Prompt prompt = unmerged().build(spec, history, said("e6", "now"));

    assertThat(contents(prompt).subList(1, 3)).containsExactly(
        "[player_said] player to Brom: \"line 4\"", "[player_said] player to Brom: \"line 5\"");
    assertThat(prompt.stats().historyIncluded()).isEqualTo(2);
    assertThat(prompt.stats().historyDropped()).isEqualTo(3);
  }

  @Test
  void historyLimitZeroKeepsOnlySystemAndActive() {
    AgentSpec spec = BROM.newBuilder().historyLimit(0).build();

    Prompt prompt = PromptBuilder.defaults().build(spec, List.of(said("e1", "old")), said("e2", "now"));

    assertThat(roles(prompt)).containsExactly(Role.SYSTEM, Role.USER);
    assertThat(prompt.stats().historyDropped()).isEqualTo(1);
  }

  @Test
  void activeEventAndSystemAreKeptEvenOverBudget() {
    PromptBuilder tiny = PromptBuilder.builder().contextBudgetTokens(1).build();
    String longText = "x".repeat(10_000);

    Prompt prompt = tiny.build(BROM, List.of(said("e1", "old")), said("e2", longText));

    assertThat(roles(prompt)).containsExactly(Role.SYSTEM, Role.USER);
    assertThat(contents(prompt).get(1)).contains(longText);
    assertThat(prompt.stats().historyIncluded()).isZero();
    assertThat(prompt.stats().historyDropped()).isEqualTo(1);
    assertThat(prompt.stats().estimatedTokens()).isGreaterThan(2500);
  }

  @Test
  void continuationKeepsTrailingToolResultsAndPassesThemAsOption() {
    ToolResult found = new ToolResult("t-3.c1", "check_inventory", map("found", true), false);
    ToolResult price = new ToolResult("t-3.c2", "price", 12, false);
    List<HistoryEntry> history = List.of(
        said("e1", "Got a key?"),
        turn("t-3", false, new ConfirmedTag("tool_call", map2("name", "check_inventory", "call_id", "t-3.c1"), "{}")),
        new HistoryEntry.ToolResults("t-3", List.of(found)),
        new HistoryEntry.ToolResults("t-3", List.of(price)));
    AgentSpec spec = BROM.newBuilder().historyLimit(0).build();
    PromptBuilder tiny = PromptBuilder.builder().contextBudgetTokens(1).mergeConsecutiveRoles(false).build();

    Prompt prompt = tiny.build(spec, history, null);

    assertThat(contents(prompt).subList(1, 3)).containsExactly(
        "Tool results for turn t-3: check_inventory (t-3.c1) -> {\"found\":true}",
        "Tool results for turn t-3: price (t-3.c2) -> 12");
    assertThat(prompt.stats()).extracting(TurnEvent.PromptStats::historyIncluded, TurnEvent.PromptStats::historyDropped)
        .containsExactly(2, 2);
    assertThat(prompt.request().options())
        .containsEntry(LlmRequest.OPTION_TOOL_RESULTS, List.of(found, price))
        .doesNotContainKey(LlmRequest.OPTION_ACTIVE_EVENT);
  }

  @Test
  void continuationAnsweringItsToolResultsPutsThemLastWhateverCameAfter() {
    ToolResult found = new ToolResult("t-3.c1", "check_inventory", map("found", true), false);
    HistoryEntry.ToolResults results = new HistoryEntry.ToolResults("t-3", List.of(found));
    HistoryEntry bell = new HistoryEntry.Event(event("e2", "bell_rang", null, null, "", Map.of()), Disposition.NOTIFICATION);
    List<HistoryEntry> history = List.of(said("e1", "Got a key?"),
        turn("t-3", false, new ConfirmedTag("tool_call", map2("name", "check_inventory", "call_id", "t-3.c1"), "{}")),
        bell);
    AgentSpec spec = BROM.newBuilder().historyLimit(1).build();

    Prompt prompt = unmerged().build(spec, history, results);

    assertThat(contents(prompt).subList(1, 3)).containsExactly(
        "[bell_rang] (notification)", "Tool results for turn t-3: check_inventory (t-3.c1) -> {\"found\":true}");
    assertThat(prompt.stats()).extracting(TurnEvent.PromptStats::historyIncluded, TurnEvent.PromptStats::historyDropped)
        .containsExactly(1, 2);
    assertThat(prompt.request().options())
        .containsEntry(LlmRequest.OPTION_TOOL_RESULTS, List.of(found))
        .doesNotContainKey(LlmRequest.OPTION_ACTIVE_EVENT);
  }

  @Test
  void optionsCarryProviderSpecAndActiveEvent() {
    HistoryEntry.Event active = (HistoryEntry.Event) said("e1", "Hi");

    Prompt prompt = PromptBuilder.defaults().build(BROM, List.of(), active);

    LlmRequest request = prompt.request();
    assertThat(request.model()).isEqualTo("gpt-4o-mini");
    assertThat(request.temperature()).isEqualTo(0.8);
    assertThat(request.maxTokens()).isEqualTo(300);
    assertThat(request.options())
        .containsExactly(
            Map.entry(LlmRequest.OPTION_PROVIDER, "openai"),
            Map.entry(LlmRequest.OPTION_AGENT_SPEC, BROM),
            Map.entry(LlmRequest.OPTION_ACTIVE_EVENT, active.event()));
  }

  @Test
  void noLlmBlockMeansClientDefaultsAndNoProviderOption() {
    AgentSpec spec = AgentSpec.fromMap(AgentSpecFixtures.minimal());

    LlmRequest request = PromptBuilder.defaults().build(spec, List.of(), said("e1", "Hi")).request();

    assertThat(request.model()).isNull();
    assertThat(request.temperature()).isNull();
    assertThat(request.maxTokens()).isNull();
    assertThat(request.options()).containsOnlyKeys(LlmRequest.OPTION_AGENT_SPEC, LlmRequest.OPTION_ACTIVE_EVENT);
  }

  @Test
  void promptIsImmutableAndIndependentOfTheCallersHistoryList() {
    List<HistoryEntry> history = new ArrayList<>(List.of(said("e1", "Hello")));
    Prompt prompt = PromptBuilder.defaults().build(BROM, history, said("e2", "Again"));
    List<ChatMessage> before = List.copyOf(prompt.request().messages());

    history.clear();
    history.add(said("e3", "changed"));

    assertThat(prompt.request().messages()).isEqualTo(before);
    assertThatThrownBy(() -> prompt.request().messages().add(ChatMessage.user("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> prompt.request().options().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equalSpecsShareTheCachedSystemPrompt() {
    PromptBuilder builder = PromptBuilder.defaults();
    AgentSpec first = AgentSpec.fromMap(AgentSpecFixtures.protocolExample());
    AgentSpec equal = AgentSpec.fromMap(AgentSpecFixtures.protocolExample());
    AgentSpec moodier = first.newBuilder().field("mood", "furious").build();

    String text = builder.systemPrompt(first);

    assertThat(builder.systemPrompt(equal)).isSameAs(text);
    assertThat(builder.systemPrompt(moodier)).contains("Mood: furious").isNotEqualTo(text);
  }

  @Test
  void rejectsNullArgumentsAndNonPositiveBudgets() {
    PromptBuilder builder = PromptBuilder.defaults();
    assertThatThrownBy(() -> builder.build(null, List.of(), null)).isInstanceOf(NullPointerException.class)
        .hasMessage("spec == null");
    assertThatThrownBy(() -> builder.build(BROM, null, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("history == null");
    assertThatThrownBy(() -> PromptBuilder.builder().contextBudgetTokens(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contextBudgetTokens");
    assertThatThrownBy(() -> PromptBuilder.builder().tokenCounter(null)).isInstanceOf(NullPointerException.class);
  }
}
