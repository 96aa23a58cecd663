package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM_WITH_TOOLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.TurnEvent.Cause;
import dev.gameagent.core.TurnEvent.InterruptReason;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.parser.TagRejection;
import dev.gameagent.core.testing.ScriptedLlmClient.Call;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import dev.gameagent.core.testing.ScriptedStateProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tool calls: the stop rule, the tool_calls finish reason, continuation turns and their limit. */
class GameSessionToolTest {
  private static final String TOOL_CALL = "<tool_call name=\"check_inventory\">{\"item\":\"key\"}</tool_call>";

  private EngineFixture f = new EngineFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static ToolResult found(String callId) {
    return new ToolResult(callId, "check_inventory", Map.of("found", true), false);
  }

  /** Runs a turn of brom's, prompted with {@code spec}, that makes one tool call and finishes; returns its id. */
  private String toolCallTurn(String text, AgentSpec spec) {
    f.llm.enqueue(Script.of(TOOL_CALL));
    String turnId = f.session.interact("brom", f.event(text));
    f.answerState(spec);
    f.events.nextTerminal(turnId);
    return turnId;
  }

  @Test
  void turnStopsAtTheFirstNonToolTagAfterAToolCall() {
    f.llm.enqueue(Script.builder()
        .text("<speech>Let me look.</speech>", TOOL_CALL, "<speech>Yes, I have the key")
        .pause()
        .text("</speech>")
        .complete("stop", null)
        .build());
    InteractionEvent e1 = f.event("Do you have the key?");
    String t1 = f.session.interact("brom", e1);
    f.answerState(BROM_WITH_TOOLS);
    Call call = f.llm.awaitCall(0);

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(t1);

    assertThat(finished.finishReason()).isEqualTo("tool_calls");
    assertThat(finished.error()).isNull();
    await().until(call::cancelled);
    List<TurnEvent> closes = f.events.events(t1).stream().filter(TurnEvent.TagClose.class::isInstance).toList();
    assertThat(closes).extracting(e -> ((TurnEvent.TagClose) e).tag()).containsExactly("speech", "tool_call");
    TurnEvent.TagOpen toolOpen = f.events.events(t1).stream().filter(TurnEvent.TagOpen.class::isInstance)
        .map(TurnEvent.TagOpen.class::cast).filter(o -> o.tag().equals("tool_call")).findFirst().orElseThrow();
    assertThat(toolOpen.attributes()).containsEntry("name", "check_inventory").containsEntry("call_id", t1 + ".c1");
    assertThat(f.events.events(t1)).noneMatch(e -> e instanceof TurnEvent.TagChunk c && c.text().contains("Yes"));
  }

  @Test
  void aToolCallStopFoundOnlyWhenTheStreamEndsIsStillReported() {
    // "<spee" is held back as a possible tag; at the end it is text, which the default tag wraps:
    // a tag after the tool call, found while the engine flushes the parser on completion.
    f.llm.enqueue(Script.builder().text(TOOL_CALL, "<spee").complete("stop", null).build());
    String t1 = f.session.interact("brom", f.event("Key?"));
    f.answerState(BROM_WITH_TOOLS.newBuilder().defaultTag("speech").build());

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(t1);

    assertThat(finished.finishReason()).isEqualTo("tool_calls");
    assertThat(f.events.events(t1)).filteredOn(TurnEvent.TagOpen.class::isInstance)
        .extracting(e -> ((TurnEvent.TagOpen) e).tag()).containsExactly("tool_call");
    assertThat(f.session.activeTurnCount()).isZero();
  }

  @ParameterizedTest(name = "{0} after a tool call")
  @ValueSource(strings = {"stop", "length", "content_filter", "tool_calls"})
  void aTurnThatMadeToolCallsFinishesWithToolCalls(String providerReason) {
    f.llm.enqueue(Script.builder().text(TOOL_CALL, "<tool_call name=\"check_inventory\">{\"item\":")
        .complete(providerReason, null).build());
    String t1 = f.session.interact("brom", f.event("Key?"));
    f.answerState(BROM_WITH_TOOLS);

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(t1);

    assertThat(finished.finishReason()).isEqualTo("tool_calls");
    assertThat(finished.rejected()).extracting(TagRejection::reason).containsExactly(TagRejection.INCOMPLETE);
  }

  @Test
  void aTurnWithoutToolCallsNeverFinishesWithToolCalls() {
    f.llm.enqueue(Script.builder().text("<speech>Hm.</speech>").complete("tool_calls", null).build());
    String t1 = f.session.interact("brom", f.event("Key?"));
    f.answerState(BROM_WITH_TOOLS);

    assertThat(((TurnEvent.Finished) f.events.nextTerminal(t1)).finishReason()).isEqualTo("stop");
  }

  @Test
  void toolResultsConfirmTheTurnAndStartAContinuation() {
    f.llm.enqueue(Script.of("<speech>Let me look.</speech>", TOOL_CALL));
    f.llm.enqueue(Script.of("<speech>Here it is.</speech>"));
    InteractionEvent e1 = f.event("Do you have the key?");
    String t1 = f.session.interact("brom", e1);
    f.answerState(BROM_WITH_TOOLS);
    assertThat(((TurnEvent.Finished) f.events.nextTerminal(t1)).finishReason()).isEqualTo("tool_calls");

    List<ToolResult> results = List.of(found(t1 + ".c1"));
    String t2 = f.session.submitToolResults("brom", t1, results);

    assertThat(t2).isNotNull().isNotEqualTo(t1);
    StateRequest request = f.answerState(BROM_WITH_TOOLS);
    assertThat(request.turnId()).isEqualTo(t2);
    assertThat(request.eventId()).isEqualTo(e1.eventId());
    TurnEvent.Started started = f.events.next(TurnEvent.Started.class, t2);
    assertThat(started.cause()).isEqualTo(Cause.TOOL_RESULTS);
    assertThat(started.eventId()).isEqualTo(e1.eventId());
    assertThat(((TurnEvent.Finished) f.events.nextTerminal(t2)).finishReason()).isEqualTo("stop");
    LlmRequest continuation = f.llm.calls().get(1).request();
    assertThat(continuation.options()).containsEntry(LlmRequest.OPTION_TOOL_RESULTS, results)
        .doesNotContainKey(LlmRequest.OPTION_ACTIVE_EVENT);

    assertThat(f.session.history("brom")).containsExactly(
        new HistoryEntry.Event(e1, Disposition.INTERACTION),
        new HistoryEntry.Turn(t1, List.of(
            new ConfirmedTag("speech", Map.of(), "Let me look."),
            new ConfirmedTag("tool_call", Map.of("name", "check_inventory", "call_id", t1 + ".c1"), "{\"item\":\"key\"}")),
            false),
        new HistoryEntry.ToolResults(t1, results));
    assertThatThrownBy(() -> f.session.submitToolResults("brom", t1, results))
        .isInstanceOfSatisfying(AgentRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_TURN_RESULT));
  }

  /**
   * The continuation answers the tool results as an interaction turn answers its event: what happens
   * while it waits for its state (here a notification) comes before them in the prompt, and the
   * results stay the request's tool results.
   */
  @Test
  void toolResultsStayWhatTheContinuationAnswersWhenANotificationArrivesMeanwhile() {
    String t1 = toolCallTurn("Key?", BROM_WITH_TOOLS);
    f.llm.enqueue(Script.of("<speech>Here.</speech>"));
    List<ToolResult> results = List.of(found(t1 + ".c1"));
    String t2 = f.session.submitToolResults("brom", t1, results);
    ScriptedStateProvider.Pending state = f.state.next();

    f.session.notify(List.of("brom"), f.event("a bell rings"));
    state.answer(BROM_WITH_TOOLS);
    f.events.nextTerminal(t2);

    LlmRequest continuation = f.llm.calls().get(1).request();
    assertThat(continuation.options()).containsEntry(LlmRequest.OPTION_TOOL_RESULTS, results);
    String last = continuation.messages().get(continuation.messages().size() - 1).content();
    assertThat(last).contains("a bell rings")
        .endsWith("Tool results for turn " + t1 + ": check_inventory (" + t1 + ".c1) -> {\"found\":true}");
  }

  /** However short the history limit, the continuation's prompt holds the results it answers. */
  @Test
  void aContinuationsPromptHoldsItsToolResultsWhateverTheHistoryLimit() {
    AgentSpec noHistory = BROM_WITH_TOOLS.newBuilder().historyLimit(0).build();
    String t1 = toolCallTurn("Key?", noHistory);
    f.llm.enqueue(Script.of("<speech>Here.</speech>"));
    String t2 = f.session.submitToolResults("brom", t1, List.of(found(t1 + ".c1")));
    ScriptedStateProvider.Pending state = f.state.next();

    f.session.notify(List.of("brom"), f.event("a bell rings"));
    state.answer(noHistory);
    f.events.nextTerminal(t2);

    assertThat(f.llm.calls().get(1).request().messages()).extracting(ChatMessage::content).containsExactly(
        PromptBuilder.defaults().systemPrompt(noHistory),
        "Tool results for turn " + t1 + ": check_inventory (" + t1 + ".c1) -> {\"found\":true}");
  }

  @Test
  void continuationsStopAtTheLoopLimit() {
    f.close();
    f = new EngineFixture(ScriptedStateProvider.answering(BROM_WITH_TOOLS), b -> b.maxToolContinuations(2));
    f.llm.scripts(request -> Script.of(TOOL_CALL));
    String turn = f.session.interact("brom", f.event("Count your keys"));
    for (int i = 0; i < 2; i++) {
      f.events.nextTerminal(turn);
      turn = f.session.submitToolResults("brom", turn, List.of(found(turn + ".c1")));
      assertThat(turn).isNotNull();
    }
    f.events.nextTerminal(turn);
    String last = turn;
    List<ToolResult> lastResults = List.of(found(last + ".c1"));

    assertThatThrownBy(() -> f.session.submitToolResults("brom", last, lastResults))
        .isInstanceOfSatisfying(AgentRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_LOOP_LIMIT));

    // The game did run the tools: the turn is confirmed and its results are history, but nothing starts.
    List<HistoryEntry> history = f.session.history("brom");
    assertThat(history.subList(history.size() - 2, history.size())).containsExactly(
        new HistoryEntry.Turn(last, List.of(new ConfirmedTag("tool_call",
            Map.of("name", "check_inventory", "call_id", last + ".c1"), "{\"item\":\"key\"}")), false),
        new HistoryEntry.ToolResults(last, lastResults));
    assertThat(f.logs.records("history")).last().satisfies(
        r -> assertThat(r.value()).isEqualTo(new HistoryEntry.ToolResults(last, lastResults)));
    assertThat(f.llm.callCount()).isEqualTo(3);
    assertThat(f.session.activeTurnCount()).isZero();
    f.events.assertNoMoreEvents();
    // Sent again, the same results are a duplicate, not a second loop error.
    assertThatThrownBy(() -> f.session.submitToolResults("brom", last, lastResults))
        .isInstanceOfSatisfying(AgentRequestException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_TURN_RESULT));
    // A new interaction starts a fresh chain.
    String fresh = f.session.interact("brom", f.event("Again"));
    f.events.nextTerminal(fresh);
    assertThat(f.session.submitToolResults("brom", fresh, List.of(found(fresh + ".c1")))).isNotNull();
  }

  @Test
  void resultsPastTheLimitForAStreamingTurnEndItAreRecordedAndLetTheQueuedEventStart() {
    f.close();
    f = new EngineFixture(ScriptedStateProvider.manual(), b -> b.maxToolContinuations(0));
    f.llm.enqueue(Script.builder().text(TOOL_CALL).pause().text(TOOL_CALL).complete("stop", null).build());
    f.llm.enqueue(Script.of("<speech>The gate is shut.</speech>"));
    InteractionEvent e1 = f.event("Key?");
    String t1 = f.session.interact("brom", e1);
    f.answerState(BROM_WITH_TOOLS);
    Call call = f.llm.awaitCall(0);
    await().until(() -> call.paused() && f.events.events(t1).stream().anyMatch(TurnEvent.TagClose.class::isInstance));
    InteractionEvent queued = f.event("And the gate?", OnBusy.QUEUE);
    String t2 = f.session.interact("brom", queued);
    List<ToolResult> results = List.of(found(t1 + ".c1"));

    assertThatThrownBy(() -> f.session.submitToolResults("brom", t1, results))
        .isInstanceOfSatisfying(AgentRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_LOOP_LIMIT));

    assertThat(((TurnEvent.Interrupted) f.events.nextTerminal(t1)).reason()).isEqualTo(InterruptReason.CANCELLED);
    await().until(call::cancelled);
    StateRequest next = f.answerState(BROM_WITH_TOOLS);
    assertThat(next.turnId()).isEqualTo(t2);
    assertThat(next.eventId()).isEqualTo(queued.eventId());
    assertThat(f.events.next(TurnEvent.Started.class, t2).cause()).isEqualTo(Cause.INTERACTION_EVENT);
    f.events.nextTerminal(t2);
    assertThat(f.session.history("brom")).containsExactly(
        new HistoryEntry.Event(e1, Disposition.INTERACTION),
        new HistoryEntry.Turn(t1, List.of(new ConfirmedTag("tool_call",
            Map.of("name", "check_inventory", "call_id", t1 + ".c1"), "{\"item\":\"key\"}")), false),
        new HistoryEntry.ToolResults(t1, results),
        new HistoryEntry.Event(queued, Disposition.INTERACTION));
  }

  @Test
  void theDefaultLimitIsFourContinuationsInARow() {
    f.close();
    f = new EngineFixture(ScriptedStateProvider.answering(BROM_WITH_TOOLS));
    f.llm.scripts(request -> Script.of(TOOL_CALL));
    String turn = f.session.interact("brom", f.event("Count your keys"));
    for (int i = 0; i < 4; i++) {
      f.events.nextTerminal(turn);
      turn = f.session.submitToolResults("brom", turn, List.of(found(turn + ".c1")));
    }
    f.events.nextTerminal(turn);
    String last = turn;

    assertThatThrownBy(() -> f.session.submitToolResults("brom", last, List.of(found(last + ".c1"))))
        .isInstanceOfSatisfying(AgentRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_LOOP_LIMIT));
    assertThat(f.llm.callCount()).isEqualTo(5);
  }

  @Test
  void resultsForASupersededTurnAreRecordedAndStartNothing() {
    String t1 = toolCallTurn("Key?", BROM_WITH_TOOLS);
    String t2 = f.session.interact("brom", f.event("Never mind"));
    f.answerState(BROM_WITH_TOOLS);
    f.events.nextTerminal(t2);

    List<ToolResult> results = List.of(found(t1 + ".c1"));
    assertThat(f.session.submitToolResults("brom", t1, results)).isNull();

    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.ToolResults(t1, results));
    assertThat(f.state.requests()).hasSize(2);
    assertThat(f.session.activeTurnCount()).isZero();
  }

  @Test
  void resultsSentWhileDetachedAreRecordedAndStartNothing() {
    String t1 = toolCallTurn("Key?", BROM_WITH_TOOLS);
    f.session.detach();

    List<ToolResult> results = List.of(found(t1 + ".c1"));
    assertThat(f.session.submitToolResults("brom", t1, results)).isNull();

    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.ToolResults(t1, results));
    assertThat(f.session.hasTurn("brom")).isFalse();
    assertThat(f.state.requests()).hasSize(1);
    f.session.attach(f.state, f.events);
    String next = f.session.interact("brom", f.event("Well?"));
    f.answerState(BROM_WITH_TOOLS);
    assertThat(f.events.nextTerminal(next)).isInstanceOf(TurnEvent.Finished.class);
  }

  @Test
  void resultsForAStreamingTurnEndItAndContinue() {
    f.llm.enqueue(Script.builder().text(TOOL_CALL).pause().text(TOOL_CALL).complete("stop", null).build());
    String t1 = f.session.interact("brom", f.event("Key?"));
    f.answerState(BROM_WITH_TOOLS);
    Call call = f.llm.awaitCall(0);
    f.events.next(TurnEvent.Started.class, t1);
    f.events.next(TurnEvent.TagOpen.class, t1);
    await().until(call::paused);

    String t2 = f.session.submitToolResults("brom", t1, List.of(found(t1 + ".c1")));

    assertThat(((TurnEvent.Interrupted) f.events.nextTerminal(t1)).reason()).isEqualTo(InterruptReason.CANCELLED);
    assertThat(call.cancelled()).isTrue();
    f.answerState(BROM_WITH_TOOLS);
    assertThat(f.events.next(TurnEvent.Started.class, t2).cause()).isEqualTo(Cause.TOOL_RESULTS);
    f.events.nextTerminal(t2);
  }
}
