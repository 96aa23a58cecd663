package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.TurnEvent.Cause;
import dev.gameagent.core.TurnEvent.InterruptReason;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.testing.ScriptedLlmClient.Call;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A turn's lifecycle: start, stream, finish; interrupt, queue and drop; cancel and shutdown. */
class GameSessionTurnTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void fullTurnStreamsTagsAndFinishes() {
    f.llm.enqueue(Script.builder()
        .text("<spe", "ech>Halt! Who", " goes there?</speech><emotion>", "angry</emotion>")
        .complete("stop", new Usage(120, 14))
        .build());
    InteractionEvent event = f.event("Hello");

    String turnId = f.session.interact("brom", event);

    assertThat(turnId).isEqualTo("t-1");
    StateRequest request = f.answerState(BROM);
    assertThat(request.turnId()).isEqualTo(turnId);
    assertThat(request.eventId()).isEqualTo(event.eventId());
    assertThat(request.agentId()).isEqualTo("brom");
    assertThat(request.sessionId()).isEqualTo("s-test");
    assertThat(request.requestId()).isNotBlank();

    TurnEvent.Started started = f.events.next(TurnEvent.Started.class, turnId);
    assertThat(started.eventId()).isEqualTo(event.eventId());
    assertThat(started.cause()).isEqualTo(Cause.INTERACTION_EVENT);
    assertThat(started.model()).isEqualTo("scripted");
    assertThat(started.prompt().messageCount()).isGreaterThanOrEqualTo(2);

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);
    assertThat(finished.finishReason()).isEqualTo("stop");
    assertThat(finished.usage()).isEqualTo(new Usage(120, 14));
    assertThat(finished.error()).isNull();
    assertThat(finished.rejected()).isEmpty();
    assertThat(finished.timing().stateMs()).isGreaterThanOrEqualTo(0);
    assertThat(finished.timing().firstTokenMs()).isGreaterThanOrEqualTo(finished.timing().stateMs());
    assertThat(finished.timing().totalMs()).isGreaterThanOrEqualTo(finished.timing().firstTokenMs());

    assertThat(f.events.events(turnId)).filteredOn(TurnEvent.TagClose.class::isInstance)
        .map(e -> ((TurnEvent.TagClose) e).tag() + "=" + ((TurnEvent.TagClose) e).content())
        .containsExactly("speech=Halt! Who goes there?", "emotion=angry");
    f.events.checker().assertAllEnded();
    assertThat(f.session.activeTurnCount()).isZero();
    assertThat(f.engine.activeTurnCount()).isZero();

    // The exact request went to the log store; the event became history; the output did not.
    LlmRequest sent = f.llm.calls().get(0).request();
    assertThat(f.logs.records("request")).singleElement()
        .satisfies(r -> assertThat(r.value()).isSameAs(sent))
        .satisfies(r -> assertThat(r.turnId()).isEqualTo(turnId));
    assertThat(sent.options()).containsEntry(LlmRequest.OPTION_AGENT_SPEC, BROM)
        .containsEntry(LlmRequest.OPTION_ACTIVE_EVENT, event);
    assertThat(f.logs.records("ended")).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(finished));
    assertThat(f.session.history("brom")).containsExactly(new HistoryEntry.Event(event, HistoryEntry.Disposition.INTERACTION));
  }

  @Test
  void interruptEndsTheOldTurnBeforeTheNewOneStartsAndCancelsItsCall() {
    f.llm.enqueue(Script.builder().text("<speech>Halt! Who goes").pause().text(" there?</speech>").complete("stop", null).build());
    f.llm.enqueue(Script.of("<speech>Oh, it is you.</speech>"));
    String first = f.session.interact("brom", f.event("Hello"));
    f.answerState(BROM);
    f.events.next(TurnEvent.Started.class, first);
    f.events.next(TurnEvent.TagOpen.class, first);
    f.events.next(TurnEvent.TagChunk.class, first);
    Call firstCall = f.llm.awaitCall(0);
    await().until(firstCall::paused);

    InteractionEvent second = f.event("It's me!");
    String secondId = f.session.interact("brom", second);

    TurnEvent.Interrupted interrupted = f.events.next(TurnEvent.Interrupted.class, first);
    assertThat(interrupted.reason()).isEqualTo(InterruptReason.SUPERSEDED);
    assertThat(interrupted.byEventId()).isEqualTo(second.eventId());
    await().until(firstCall::cancelled);
    assertThat(f.llm.cancelCount()).isEqualTo(1);
    var secondState = f.state.next();
    assertThat(secondState.request().turnId()).isEqualTo(secondId);
    // No close for the tag left open; nothing more for the old turn.
    assertThat(f.events.events(first)).noneMatch(TurnEvent.TagClose.class::isInstance);
    f.events.assertNoMoreEvents();

    secondState.answer(BROM);
    f.events.next(TurnEvent.Started.class, secondId);
    assertThat(f.events.nextTerminal(secondId)).isInstanceOf(TurnEvent.Finished.class);
    assertThat(f.events.events(first)).last().isEqualTo(interrupted);
  }

  @Test
  void interruptWhileWaitingForStateEndsTheTurnWithoutStartingIt() {
    String first = f.session.interact("brom", f.event("Hello"));
    var firstState = f.state.next();
    InteractionEvent secondEvent = f.event("Hello again");
    String second = f.session.interact("brom", secondEvent);

    assertThat(f.events.next()).isEqualTo(
        new TurnEvent.Interrupted("brom", first, InterruptReason.SUPERSEDED, secondEvent.eventId()));
    // The engine lets go of the state request it no longer needs, before the game answers it.
    assertThat(firstState.future()).isCancelled();
    firstState.answer(BROM); // too late: ignored, no Started for the first turn
    f.answerState(BROM);
    assertThat(f.events.next()).isInstanceOf(TurnEvent.Started.class).extracting(TurnEvent::turnId).isEqualTo(second);
    f.events.nextTerminal(second);
    assertThat(f.events.events(first)).hasSize(1);
    assertThat(f.llm.callCount()).isEqualTo(1);
  }

  /**
   * What the game sees, in order, when a new event supersedes a turn or a queued event starts: the
   * old turn's terminal event, then the new turn's state request.
   */
  @Test
  void theOldTurnsTerminalEventComesBeforeTheNextTurnsStateRequest() {
    List<String> seen = new CopyOnWriteArrayList<>();
    ScriptedStateProvider state = ScriptedStateProvider.manual();
    AgentStateProvider provider = request -> {
      seen.add("state " + request.turnId());
      return state.requestState(request);
    };
    TurnRecorder recorder = new TurnRecorder();
    f.engine.close();
    try (AgentEngine engine = AgentEngine.builder().llmClient(f.llm).scheduler(f.timer).build()) {
      GameSession session = engine.openSession(null, provider, event -> {
        if (event.terminal()) {
          seen.add(event.getClass().getSimpleName() + " " + event.turnId());
        }
        recorder.onEvent(event);
      });
      f.llm.enqueue(Script.hanging("<speech>One"));
      String first = session.interact("brom", InteractionEvent.of("e-1", "player", "one"));
      state.next().answer(BROM);
      Call call = f.llm.awaitCall(0);
      f.llm.enqueue(EngineFixture.pausedSpeech("Two"));
      String second = session.interact("brom", InteractionEvent.of("e-2", "player", "two"));
      state.next().answer(BROM);
      Call secondCall = f.llm.awaitCall(1);
      await().until(secondCall::paused);
      String third = session.interact("brom", new InteractionEvent("e-3", "player_said", "player", null, "three",
          Instant.now(), OnBusy.QUEUE, Map.of()));
      secondCall.release();
      state.next().answer(BROM);
      recorder.nextTerminal(third);

      assertThat(seen).containsExactly("state " + first, "Interrupted " + first, "state " + second,
          "Finished " + second, "state " + third, "Finished " + third);
      await().until(call::cancelled);
      recorder.checker().assertAllEnded();
    }
  }

  @Test
  void queuedEventStartsAfterTheActiveTurnEndsAndALaterOneReplacesIt() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), EngineFixture.pausedSpeech("One"));
    String first = streaming.turnId();
    Call call = streaming.call();
    f.events.next(TurnEvent.Started.class, first);
    await().until(call::paused);

    InteractionEvent replaced = f.event("two", OnBusy.QUEUE);
    String replacedId = f.session.interact("brom", replaced);
    InteractionEvent third = f.event("three", OnBusy.QUEUE);
    String thirdId = f.session.interact("brom", third);

    assertThat(replacedId).isNotNull().isNotEqualTo(first);
    assertThat(thirdId).isNotNull().isNotEqualTo(replacedId);
    assertThat(f.state.requests()).hasSize(1);
    assertThat(f.session.history("brom")).contains(new HistoryEntry.Event(replaced, HistoryEntry.Disposition.DROPPED));

    call.release();
    f.events.nextTerminal(first);
    StateRequest next = f.answerState(BROM);
    assertThat(next.turnId()).isEqualTo(thirdId);
    assertThat(next.eventId()).isEqualTo(third.eventId());
    f.events.next(TurnEvent.Started.class, thirdId);
    f.events.nextTerminal(thirdId);
    assertThat(f.events.events(replacedId)).isEmpty();
    assertThat(call.cancelled()).isFalse();
  }

  @Test
  void hasTurnWhileATurnWaitsForStateOrStreamsAndAQueuedEventWaitsBehindIt() {
    assertThat(f.session.hasTurn("brom")).as("unknown agent").isFalse();
    f.session.notify(List.of("brom"), f.event("thunder"));
    assertThat(f.session.hasTurn("brom")).as("history only").isFalse();

    f.llm.enqueue(EngineFixture.pausedSpeech("One"));
    String first = f.session.interact("brom", f.event("one"));
    assertThat(f.session.hasTurn("brom")).as("waiting for state").isTrue();
    assertThat(f.session.hasTurn("mira")).isFalse();
    f.answerState(BROM);
    Call call = f.llm.awaitCall(0);
    await().until(call::paused);
    assertThat(f.session.hasTurn("brom")).as("streaming").isTrue();

    // The queued event starts as the first turn ends: the agent has a turn throughout.
    f.llm.enqueue(Script.of("<speech>Two.</speech>"));
    String queued = f.session.interact("brom", f.event("two", OnBusy.QUEUE));
    call.release();
    f.events.nextTerminal(first);
    assertThat(f.session.hasTurn("brom")).as("queued event waiting for state").isTrue();
    f.answerState(BROM);
    f.events.nextTerminal(queued);
    assertThat(f.session.hasTurn("brom")).as("finished").isFalse();

    f.session.interact("brom", f.event("three"));
    assertThat(f.session.hasTurn("brom")).isTrue();
    f.session.cancelTurn("brom", null);
    assertThat(f.session.hasTurn("brom")).as("cancelled").isFalse();
    assertThat(f.session.activeTurnCount()).isZero();
  }

  @Test
  void interruptClearsTheQueuedEvent() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>One"));
    String first = streaming.turnId();
    Call call = streaming.call();
    InteractionEvent queued = f.event("two", OnBusy.QUEUE);
    String queuedId = f.session.interact("brom", queued);

    InteractionEvent urgent = f.event("three");
    String urgentId = f.session.interact("brom", urgent);

    f.events.nextTerminal(first);
    await().until(call::cancelled);
    assertThat(f.answerState(BROM).turnId()).isEqualTo(urgentId);
    f.events.nextTerminal(urgentId);
    assertThat(f.events.events(queuedId)).isEmpty();
    assertThat(f.state.requests()).hasSize(2);
    assertThat(f.session.history("brom")).extracting(e -> ((HistoryEntry.Event) e).event().text() + "/"
        + ((HistoryEntry.Event) e).disposition()).containsExactly("one/INTERACTION", "two/DROPPED", "three/INTERACTION");
  }

  @Test
  void droppedEventIsRecordedAndDisturbsNothing() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), EngineFixture.pausedSpeech("One"));
    String first = streaming.turnId();
    Call call = streaming.call();
    await().until(call::paused);

    InteractionEvent dropped = f.event("two", OnBusy.DROP);
    assertThat(f.session.interact("brom", dropped)).isNull();

    call.release();
    TurnEvent terminal = f.events.nextTerminal(first);
    assertThat(terminal).isInstanceOf(TurnEvent.Finished.class);
    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Event(dropped, HistoryEntry.Disposition.DROPPED));
    assertThat(f.state.requests()).hasSize(1);
    assertThat(f.llm.cancelCount()).isZero();
  }

  @Test
  void cancelTurnInterruptsTheActiveTurnAndClearsTheQueue() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah blah"));
    String first = streaming.turnId();
    Call call = streaming.call();
    f.events.next(TurnEvent.Started.class, first);
    InteractionEvent queued = f.event("two", OnBusy.QUEUE);
    String queuedId = f.session.interact("brom", queued);

    assertThat(f.session.cancelTurn("brom", "t-99")).isFalse();
    assertThat(f.session.cancelTurn("brom", first)).isTrue();

    TurnEvent.Interrupted interrupted = (TurnEvent.Interrupted) f.events.nextTerminal(first);
    assertThat(interrupted.reason()).isEqualTo(InterruptReason.CANCELLED);
    assertThat(interrupted.byEventId()).isNull();
    await().until(call::cancelled);
    assertThat(f.session.cancelTurn("brom", null)).isFalse();
    assertThat(f.session.cancelTurn("nobody", null)).isFalse();
    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Event(queued, HistoryEntry.Disposition.DROPPED));
    assertThat(f.state.requests()).hasSize(1);
    assertThat(f.events.events(queuedId)).isEmpty();
    assertThat(f.session.activeTurnCount()).isZero();
  }

  @Test
  void cancelTurnWithoutATurnIdEndsTheActiveTurnAndClearsTheQueue() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah"));
    String first = streaming.turnId();
    f.events.next(TurnEvent.Started.class, first);
    InteractionEvent queued = f.event("two", OnBusy.QUEUE);
    String queuedId = f.session.interact("brom", queued);

    assertThat(f.session.cancelTurn("brom", null)).isTrue();

    assertThat(f.events.nextTerminal(first)).isEqualTo(
        new TurnEvent.Interrupted("brom", first, InterruptReason.CANCELLED, null));
    await().until(streaming.call()::cancelled);
    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Event(queued, HistoryEntry.Disposition.DROPPED));
    assertThat(f.events.events(queuedId)).isEmpty();
    assertThat(f.state.requests()).hasSize(1);
    assertThat(f.session.activeTurnCount()).isZero();
  }

  @Test
  void resetAgentAlsoForgetsAQueuedEventWhichNeverStarts() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah"));
    String first = streaming.turnId();
    String queuedId = f.session.interact("brom", f.event("two", OnBusy.QUEUE));

    f.session.resetAgent("brom");

    assertThat(((TurnEvent.Interrupted) f.events.nextTerminal(first)).reason()).isEqualTo(InterruptReason.CANCELLED);
    assertThat(f.session.history("brom")).isEmpty();
    assertThat(f.state.requests()).hasSize(1);
    assertThat(f.events.events(queuedId)).isEmpty();
    assertThat(f.session.cancelTurn("brom", queuedId)).isFalse();
    assertThat(f.session.activeTurnCount()).isZero();
  }

  @Test
  void cancelTurnNamingTheQueuedTurnClearsOnlyThat() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), EngineFixture.pausedSpeech("One"));
    String first = streaming.turnId();
    Call call = streaming.call();
    await().until(call::paused);
    String queuedId = f.session.interact("brom", f.event("two", OnBusy.QUEUE));

    assertThat(f.session.cancelTurn("brom", queuedId)).isTrue();
    call.release();

    assertThat(f.events.nextTerminal(first)).isInstanceOf(TurnEvent.Finished.class);
    assertThat(call.cancelled()).isFalse();
    assertThat(f.state.requests()).hasSize(1);
  }

  @Test
  void resetAgentCancelsTheTurnAndForgetsHistoryAndSpec() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah"));
    String first = streaming.turnId();
    Call call = streaming.call();

    f.session.resetAgent("brom");

    assertThat(((TurnEvent.Interrupted) f.events.nextTerminal(first)).reason()).isEqualTo(InterruptReason.CANCELLED);
    await().until(call::cancelled);
    assertThat(f.session.history("brom")).isEmpty();
    assertThat(f.logs.records("reset")).singleElement().satisfies(r -> assertThat(r.agentId()).isEqualTo("brom"));
    assertThatThrownBy(() -> f.session.confirmTurn("brom", first, List.of(), false))
        .isInstanceOfSatisfying(AgentRequestException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TURN));
  }

  @Test
  void shutdownInterruptsActiveTurnsAndStartsNoMore() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah"));
    String first = streaming.turnId();
    Call call = streaming.call();

    f.session.shutdown();

    assertThat(((TurnEvent.Interrupted) f.events.nextTerminal(first)).reason()).isEqualTo(InterruptReason.SHUTDOWN);
    await().until(call::cancelled);
    InteractionEvent late = f.event("anyone?");
    assertThat(f.session.interact("brom", late)).isNull();
    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Event(late, HistoryEntry.Disposition.DROPPED));
    assertThat(f.session.activeTurnCount()).isZero();
  }

  /**
   * The thread that ends a turn does not always deliver its events: one already delivering the
   * agent's events (a stream callback here, held in the listener) delivers the rest. Shutdown returns
   * at once; what it returns completes only once the terminal event is delivered.
   */
  @Test
  void shutdownCompletesOnceTheTerminalEventAnotherThreadDeliversIsDelivered() {
    TurnRecorder recorder = new TurnRecorder();
    AtomicBoolean chunkHeld = new AtomicBoolean();
    AtomicBoolean released = new AtomicBoolean();
    GameSession session = f.engine.openSession(null, ScriptedStateProvider.answering(BROM), event -> {
      recorder.onEvent(event);
      if (event instanceof TurnEvent.TagChunk) {
        chunkHeld.set(true);
        await().untilTrue(released);
      }
    });
    f.llm.enqueue(Script.hanging("<speech>Blah"));
    // Interacting from another thread: the thread that delivers the held chunk may be the one that
    // interacts (it was delivering the turn's first events), and this one must stay free to shut down.
    CompletableFuture.runAsync(() -> session.interact("brom", f.event("one")));
    await().untilTrue(chunkHeld);
    String turnId = recorder.events().get(0).turnId();

    CompletableFuture<List<TurnEvent>> deliveredAtCompletion =
        session.shutdown().thenApply(done -> recorder.events()).toCompletableFuture();

    assertThat(deliveredAtCompletion).isNotDone();
    assertThat(recorder.events(turnId)).noneMatch(TurnEvent::terminal);
    released.set(true);
    assertThat(deliveredAtCompletion).succeedsWithin(Duration.ofSeconds(10)).satisfies(events -> assertThat(events)
        .last().isEqualTo(new TurnEvent.Interrupted("brom", turnId, InterruptReason.SHUTDOWN, null)));
  }

  @Test
  void shutdownAndDetachRecordAQueuedEventAsDropped() {
    Call call = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah")).call();
    InteractionEvent queued = f.event("two", OnBusy.QUEUE);
    String queuedId = f.session.interact("brom", queued);

    f.session.detach();

    await().until(call::cancelled);
    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Event(queued, HistoryEntry.Disposition.DROPPED));
    TurnRecorder resumed = new TurnRecorder(); // the detached turn got no terminal event on the old one
    f.session.attach(f.state, resumed);
    Call second = f.startStreaming(f.event("three"), Script.hanging("<speech>Blah")).call();
    InteractionEvent queuedAgain = f.event("four", OnBusy.QUEUE);
    f.session.interact("brom", queuedAgain);

    f.session.shutdown();

    await().until(second::cancelled);
    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Event(queuedAgain, HistoryEntry.Disposition.DROPPED));
    assertThat(f.events.events(queuedId)).isEmpty();
    resumed.checker().assertAllEnded();
    assertThat(f.state.requests()).hasSize(2);
  }

  @Test
  void twoAgentsStreamAtOnceAndAnEventForOneNeverInterruptsTheOther() {
    f.llm.enqueue(Script.builder().text("<speech>I am Brom").pause().text("</speech>").complete("stop", null).build());
    EngineFixture.Streaming streaming = f.startStreaming(f.event("who are you?"), Script.builder().text("<speech>I am Mira").pause().text("</speech>").complete("stop", null).build());
    String brom = streaming.turnId();
    Call bromCall = streaming.call();
    String mira = f.session.interact("mira", f.event("and you?"));
    f.answerState(AgentSpec.builder("Mira").build());
    Call miraCall = f.llm.awaitCall(1);
    await().until(() -> bromCall.paused() && miraCall.paused());

    // Both are streaming; a new event for mira interrupts mira only.
    f.llm.enqueue(Script.of("<speech>Again?</speech>"));
    String mira2 = f.session.interact("mira", f.event("again"));
    await().until(() -> f.events.checker().terminal("mira", mira) != null);
    assertThat(f.events.checker().terminal("mira", mira)).isInstanceOf(TurnEvent.Interrupted.class);
    assertThat(f.events.checker().terminal("brom", brom)).isNull();
    assertThat(bromCall.cancelled()).isFalse();
    f.answerState(AgentSpec.builder("Mira").build());

    bromCall.release();
    await().until(() -> f.events.checker().terminal("brom", brom) != null
        && f.events.checker().terminal("mira", mira2) != null);
    assertThat(f.events.checker().terminal("brom", brom)).isInstanceOf(TurnEvent.Finished.class);
    assertThat(f.events.checker().terminal("mira", mira2)).isInstanceOf(TurnEvent.Finished.class);
    f.events.checker().assertAllEnded();
  }

  @Test
  void listenerExceptionsAreSwallowed() {
    f.engine.close();
    try (AgentEngine engine = AgentEngine.builder().llmClient(f.llm).build()) {
      List<TurnEvent> seen = new CopyOnWriteArrayList<>();
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM),
          event -> {
            seen.add(event);
            throw new IllegalStateException("listener bug");
          });
      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      await().until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).terminal());
      assertThat(seen.get(0)).isInstanceOf(TurnEvent.Started.class);
      assertThat(seen).allMatch(e -> e.turnId().equals(turnId));
      assertThat(seen).filteredOn(TurnEvent.TagClose.class::isInstance).hasSize(1);
      assertThat(session.id()).matches("[0-9a-f]{32}");
    }
  }

  @Test
  void listenerMayCallBackIntoTheSession() {
    f.llm.enqueue(Script.builder().text("<speech>Hi").pause().text("</speech>").complete("stop", null).build());
    f.llm.enqueue(Script.of("<speech>Hi.</speech><emotion>happy</emotion>"));
    TurnRecorder recorder = new TurnRecorder();
    GameSession[] session = new GameSession[1];
    session[0] = f.engine.openSession(null, ScriptedStateProvider.answering(BROM), event -> {
      recorder.onEvent(event);
      if (event instanceof TurnEvent.TagOpen open && open.turnId().equals("t-1")) {
        session[0].cancelTurn("brom", null); // ends t-1 after the events already produced
      } else if (event instanceof TurnEvent.Interrupted) {
        session[0].interact("brom", InteractionEvent.of("e-2", "player", "again"));
      }
    });

    session[0].interact("brom", InteractionEvent.of("e-1", "player", "hi"));

    recorder.nextTerminal("t-2");
    assertThat(recorder.events()).extracting(e -> e.turnId() + ":" + e.getClass().getSimpleName()).containsExactly(
        "t-1:Started", "t-1:TagOpen", "t-1:TagChunk", "t-1:Interrupted",
        "t-2:Started", "t-2:TagOpen", "t-2:TagChunk", "t-2:TagClose", "t-2:TagOpen", "t-2:TagChunk", "t-2:TagClose",
        "t-2:Finished");
    assertThat(f.llm.calls().get(0).cancelRequested()).isTrue();
    recorder.checker().assertAllEnded();
  }

  @Test
  void synchronousClientAndProviderDeliverTheWholeTurnInsideInteract() {
    try (AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("<speech>Hi.</speech>")).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), recorder);

      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));

      assertThat(recorder.events()).extracting(e -> e.getClass().getSimpleName())
          .containsExactly("Started", "TagOpen", "TagChunk", "TagClose", "Finished");
      assertThat(recorder.events()).allMatch(e -> e.turnId().equals(turnId));
      recorder.checker().assertAllEnded();
      assertThat(engine.activeTurnCount()).isZero();
    }
  }

  /** A connection that resumes the session while the old one still holds it takes over its agents. */
  @Test
  void attachWhileAttachedCancelsTheOldConnectionsTurnsSilently() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah"));
    Call call = streaming.call();
    f.events.next(TurnEvent.Started.class, streaming.turnId());
    InteractionEvent queued = f.event("two", OnBusy.QUEUE);
    String queuedId = f.session.interact("brom", queued);

    TurnRecorder takeover = new TurnRecorder();
    f.session.attach(ScriptedStateProvider.answering(BROM), takeover);

    await().until(call::cancelled);
    assertThat(f.session.activeTurnCount()).isZero();
    assertThat(f.session.hasTurn("brom")).isFalse();
    assertThat(f.session.history("brom")).last().isEqualTo(new HistoryEntry.Event(queued, HistoryEntry.Disposition.DROPPED));
    assertThat(f.logs.records("closed")).as("the session stays open").isEmpty();
    String next = f.session.interact("brom", f.event("back"));
    assertThat(takeover.nextTerminal(next)).isInstanceOf(TurnEvent.Finished.class);
    assertThat(takeover.events()).allMatch(e -> e.turnId().equals(next));
    assertThat(f.events.events()).noneMatch(e -> e.terminal() || e.turnId().equals(next) || e.turnId().equals(queuedId));
    assertThat(f.state.requests()).hasSize(1);
  }

  @Test
  void detachCancelsUpstreamSilentlyAndAttachResumes() {
    EngineFixture.Streaming streaming = f.startStreaming(f.event("one"), Script.hanging("<speech>Blah"));
    String first = streaming.turnId();
    Call call = streaming.call();
    f.events.next(TurnEvent.Started.class, first);

    f.session.detach();

    await().until(call::cancelled);
    assertThat(f.session.activeTurnCount()).isZero();
    assertThat(f.logs.records("closed")).hasSize(1);
    assertThat(f.logs.records("ended")).singleElement()
        .satisfies(r -> assertThat(r.value()).isInstanceOf(TurnEvent.Interrupted.class));
    InteractionEvent whileAway = f.event("anyone?");
    assertThat(f.session.interact("brom", whileAway)).isNull();
    f.session.detach();
    assertThat(f.logs.records("closed")).hasSize(1);

    TurnRecorder resumed = new TurnRecorder();
    f.session.attach(ScriptedStateProvider.answering(BROM), resumed);
    assertThat(f.session.detach(f.events)).isFalse();
    String next = f.session.interact("brom", f.event("back"));
    assertThat(resumed.nextTerminal(next)).isInstanceOf(TurnEvent.Finished.class);
    assertThat(f.events.events()).noneMatch(e -> e.turnId().equals(next) || e.terminal());
    assertThat(f.session.history("brom")).extracting(e -> ((HistoryEntry.Event) e).disposition())
        .containsExactly(HistoryEntry.Disposition.INTERACTION, HistoryEntry.Disposition.DROPPED,
            HistoryEntry.Disposition.INTERACTION);
    resumed.checker().assertAllEnded();
  }
}
