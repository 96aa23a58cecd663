package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.TurnEvent.InterruptReason;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.testing.RecordingLogStore;
import dev.gameagent.core.testing.ScriptedLlmClient.Call;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** History: events, notifications, confirmed results at their turn's place, and result errors. */
class GameSessionHistoryTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  private String runTurn(InteractionEvent event) {
    String turnId = f.session.interact("brom", event);
    f.answerState(BROM);
    f.events.nextTerminal(turnId);
    return turnId;
  }

  private static ConfirmedTag speech(String text) {
    return new ConfirmedTag("speech", Map.of(), text);
  }

  @Test
  void confirmedResultsTakeTheirTurnsPlaceHoweverLateTheyArrive() {
    InteractionEvent e1 = f.event("one");
    String t1 = runTurn(e1);
    InteractionEvent n1 = f.event("a bell rings");
    f.session.notify(List.of("brom", "mira"), n1);
    InteractionEvent e2 = f.event("two");
    String t2 = runTurn(e2);

    f.session.confirmTurn("brom", t2, List.of(speech("Two.")), false);
    f.session.confirmTurn("brom", t1, List.of(speech("One.")), true);

    assertThat(f.session.history("brom")).containsExactly(
        new HistoryEntry.Event(e1, Disposition.INTERACTION),
        new HistoryEntry.Turn(t1, List.of(speech("One.")), true),
        new HistoryEntry.Event(n1, Disposition.NOTIFICATION),
        new HistoryEntry.Event(e2, Disposition.INTERACTION),
        new HistoryEntry.Turn(t2, List.of(speech("Two.")), false));
    assertThat(f.session.history("mira")).containsExactly(new HistoryEntry.Event(n1, Disposition.NOTIFICATION));
    assertThat(f.logs.records("history")).extracting(r -> r.value()).containsSubsequence(
        new HistoryEntry.Turn(t2, List.of(speech("Two.")), false),
        new HistoryEntry.Turn(t1, List.of(speech("One.")), true));

    // The next prompt shows what the game confirmed.
    String t3 = runTurn(f.event("three"));
    List<ChatMessage> prompt = f.llm.calls().get(2).request().messages();
    assertThat(prompt).anySatisfy(m -> assertThat(m.role()).isEqualTo(ChatMessage.Role.ASSISTANT))
        .anySatisfy(m -> assertThat(m.content()).contains("One."))
        .anySatisfy(m -> assertThat(m.content()).contains("Two."));
    assertThat(t3).isEqualTo("t-3");
  }

  @Test
  void notificationDuringATurnInterruptsNothingAndReachesOnlyLaterPrompts() {
    Call call = f.startStreaming(f.event("one"), EngineFixture.pausedSpeech("One")).call();
    String t1 = "t-1";
    await().until(call::paused);

    InteractionEvent bell = f.event("a bell rings");
    f.session.notify(List.of("brom"), bell);
    call.release();

    assertThat(f.events.nextTerminal(t1)).isInstanceOf(TurnEvent.Finished.class);
    assertThat(call.cancelRequested()).isFalse();
    assertThat(f.state.requests()).hasSize(1);
    assertThat(call.request().messages()).noneMatch(m -> m.content().contains("a bell rings"));
    f.session.confirmTurn("brom", t1, List.of(speech("One")), false);
    // The result takes its turn's place: before the notification that came while it streamed.
    assertThat(f.session.history("brom")).extracting(e -> e.getClass().getSimpleName() + ":"
        + (e instanceof HistoryEntry.Event ev ? ev.disposition() : "")).containsExactly(
        "Event:INTERACTION", "Turn:", "Event:NOTIFICATION");
    runTurn(f.event("two"));
    assertThat(f.llm.calls().get(1).request().messages()).anyMatch(m -> m.content().contains("a bell rings"));
  }

  /** The log store sees every history entry of every kind as it happens, so a crash loses none. */
  @Test
  void everyHistoryEntryReachesTheLogStoreAsItHappens() {
    f.llm.enqueue(Script.of("<tool_call name=\"check_inventory\">{}</tool_call>"));
    String t1 = f.session.interact("brom", f.event("Key?"));
    f.answerState(EngineFixture.BROM_WITH_TOOLS);
    f.events.nextTerminal(t1);
    f.session.notify(List.of("brom"), f.event("a bell rings"));
    String t2 = f.session.submitToolResults("brom", t1,
        List.of(new ToolResult(t1 + ".c1", "check_inventory", Map.of("found", true), false)));
    f.session.interact("brom", f.event("hurry", OnBusy.QUEUE));
    String t3 = f.session.interact("brom", f.event("now!", OnBusy.QUEUE)); // replaces the queued one, which is dropped
    f.session.interact("brom", f.event("hey", OnBusy.DROP));
    f.answerState(EngineFixture.BROM_WITH_TOOLS);
    f.events.nextTerminal(t2);
    f.session.confirmTurn("brom", t2, List.of(speech("Found it.")), false);
    f.answerState(BROM);
    f.events.nextTerminal(t3);

    List<HistoryEntry> history = f.session.history("brom");
    assertThat(history).extracting(e -> e.getClass().getSimpleName() + (e instanceof HistoryEntry.Event ev ? ":" + ev.disposition() : ""))
        .containsExactly("Event:INTERACTION", "Turn", "Event:NOTIFICATION", "ToolResults", "Event:DROPPED",
            "Event:DROPPED", "Turn", "Event:INTERACTION");
    assertThat(f.logs.records("history")).extracting(RecordingLogStore.Record::value)
        .containsExactlyInAnyOrderElementsOf(history);
    assertThat(f.logs.records("history")).allSatisfy(r -> assertThat(r.agentId()).isEqualTo("brom"));
  }

  @Test
  void unconfirmedOutputIsNotHistory() {
    InteractionEvent e1 = f.event("one");
    runTurn(e1);
    assertThat(f.session.history("brom")).containsExactly(new HistoryEntry.Event(e1, Disposition.INTERACTION));
  }

  @Test
  void unknownAndDuplicateResultsAreRefusedAndChangeNothing() {
    String t1 = runTurn(f.event("one"));
    f.session.confirmTurn("brom", t1, List.of(speech("One.")), false);
    List<HistoryEntry> before = f.session.history("brom");

    assertCode(() -> f.session.confirmTurn("brom", t1, List.of(speech("Again")), false), ErrorCode.DUPLICATE_TURN_RESULT);
    assertCode(() -> f.session.confirmTurn("brom", "t-99", List.of(), false), ErrorCode.UNKNOWN_TURN);
    assertCode(() -> f.session.confirmTurn("nobody", t1, List.of(), false), ErrorCode.UNKNOWN_TURN);
    assertCode(() -> f.session.confirmTurnText("brom", t1, "<speech>x</speech>", false), ErrorCode.DUPLICATE_TURN_RESULT);

    assertThat(f.session.history("brom")).isEqualTo(before);
  }

  @Test
  void resultForAStreamingTurnCancelsItFirstAndStartsTheQueuedEvent() {
    f.llm.enqueue(Script.hanging("<speech>Halt! Who"));
    InteractionEvent e1 = f.event("one");
    String t1 = f.session.interact("brom", e1);
    f.answerState(BROM);
    Call call = f.llm.awaitCall(0);
    f.events.next(TurnEvent.Started.class, t1);
    InteractionEvent queued = f.event("two", OnBusy.QUEUE);
    String t2 = f.session.interact("brom", queued);

    f.session.confirmTurn("brom", t1, List.of(speech("Halt!")), true);

    assertThat(((TurnEvent.Interrupted) f.events.nextTerminal(t1)).reason()).isEqualTo(InterruptReason.CANCELLED);
    assertThat(call.cancelRequested()).isTrue();
    assertThat(f.answerState(BROM).turnId()).isEqualTo(t2);
    f.events.nextTerminal(t2);
    assertThat(f.session.history("brom")).containsExactly(
        new HistoryEntry.Event(e1, Disposition.INTERACTION),
        new HistoryEntry.Turn(t1, List.of(speech("Halt!")), true),
        new HistoryEntry.Event(queued, Disposition.INTERACTION));
  }

  @Test
  void resultForATurnWaitingForStateEndsItAndIsAppended() {
    InteractionEvent e1 = f.event("one");
    String t1 = f.session.interact("brom", e1);
    f.state.next();

    f.session.confirmTurn("brom", t1, List.of(), true);

    assertThat(f.events.next()).isEqualTo(new TurnEvent.Interrupted("brom", t1, InterruptReason.CANCELLED, null));
    assertThat(f.session.history("brom")).containsExactly(
        new HistoryEntry.Event(e1, Disposition.INTERACTION), new HistoryEntry.Turn(t1, List.of(), true));
    assertThat(f.llm.callCount()).isZero();
  }

  @Test
  void resultTextIsParsedWithTheTurnsOutputTags() {
    String t1 = runTurn(f.event("one"));

    f.session.confirmTurnText("brom", t1,
        "Sure! <speech>Halt!</speech><emotion>furious</emotion><action name=\"wave\"/><emotion>angry</emotion>", false);

    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Turn(t1, List.of(
        speech("Halt!"),
        new ConfirmedTag("action", Map.of("name", "wave"), ""),
        new ConfirmedTag("emotion", Map.of(), "angry")), false));
  }

  @Test
  void memoryKeepsTheMostRecentEntriesAndTurns() {
    try (AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("<speech>Hi.</speech>"))
        .maxHistoryEntries(3).build()) {
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), event -> {});
      for (int i = 1; i <= 4; i++) {
        session.notify(List.of("brom"), InteractionEvent.of("n-" + i, "world", "tick " + i));
      }
      assertThat(session.history("brom")).extracting(e -> ((HistoryEntry.Event) e).event().eventId())
          .containsExactly("n-2", "n-3", "n-4");

      String first = session.interact("brom", InteractionEvent.of("e-1", "player", "one"));
      for (int i = 2; i <= 4; i++) {
        session.interact("brom", InteractionEvent.of("e-" + i, "player", "more"));
      }
      assertCode(() -> session.confirmTurn("brom", first, List.of(), false), ErrorCode.UNKNOWN_TURN);
      session.confirmTurn("brom", "t-2", List.of(speech("Hi.")), false);
      assertThat(session.history("brom")).hasSizeLessThanOrEqualTo(3);
    }
  }

  @Test
  void anEndedTurnLetsGoOfItsRequestAndConnection() {
    List<WeakReference<Object>> released = new ArrayList<>();
    try (AgentEngine engine = AgentEngine.builder().llmClient((request, handler) -> {
      released.add(new WeakReference<>(request));
      handler.onComplete(new LlmCompletion("stop", null));
      return () -> {};
    }).build()) {
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), event -> {});
      released.add(runTurnOnce(session));
      // The turn record stays (for its result); the request and the old connection's listener may go.
      session.attach(ScriptedStateProvider.answering(BROM), event -> {});

      await().until(() -> {
        System.gc();
        return released.stream().allMatch(ref -> ref.get() == null);
      });
      session.confirmTurn("brom", "t-1", List.of(speech("Hi.")), false);
    }
  }

  /** Runs one turn on a listener only the session holds; returns a weak reference to that listener. */
  private static WeakReference<Object> runTurnOnce(GameSession session) {
    TurnRecorder listener = new TurnRecorder();
    session.attach(ScriptedStateProvider.answering(BROM), listener);
    String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
    assertThat(listener.nextTerminal(turnId)).isInstanceOf(TurnEvent.Finished.class);
    return new WeakReference<>(listener);
  }

  @Test
  void equalSpecsAreKeptOnceAcrossTurns() {
    String t1 = f.session.interact("brom", f.event("one"));
    AgentSpec first = BROM.newBuilder().build();
    f.answerState(first);
    f.events.nextTerminal(t1);
    String t2 = f.session.interact("brom", f.event("two"));
    f.answerState(BROM.newBuilder().build());
    f.events.nextTerminal(t2);

    assertThat(f.llm.calls().get(1).request().options().get(LlmRequest.OPTION_AGENT_SPEC)).isSameAs(first);
  }

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AgentRequestException.class,
        e -> assertThat(e.code()).isEqualTo(code));
  }
}
