package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The state request before every turn: answers, timeouts with and without a cached spec, failures.
 * Timeouts happen only when a test fires the fixture's timer, so no answer races them.
 */
class GameSessionStateTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void stateTimeoutWithoutCachedSpecEndsTheTurnWithoutStartingIt() {
    String turnId = f.session.interact("brom", f.event("Hello"));
    ScriptedStateProvider.Pending pending = f.state.next();
    // The default timeout, counted from the turn's acceptance.
    assertThat(f.timer.pendingDelay()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5).toNanos());
    f.events.assertNoMoreEvents();

    assertThat(f.timer.fire()).isEqualTo(1);

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.next();
    assertThat(finished.turnId()).isEqualTo(turnId);
    assertThat(finished.finishReason()).isEqualTo("error");
    assertThat(finished.error().code()).isEqualTo(ErrorCode.STATE_TIMEOUT);
    assertThat(finished.error().message()).contains("within 5000 ms");
    assertThat(finished.timing().stateMs()).isGreaterThanOrEqualTo(0);
    assertThat(finished.timing().firstTokenMs()).isEqualTo(-1);
    assertThat(f.llm.callCount()).isZero();
    // The engine lets go of the request it no longer needs.
    assertThat(pending.future()).isCancelled();
    pending.answer(BROM);
    f.events.assertNoMoreEvents();
  }

  @Test
  void stateTimeoutFallsBackToTheCachedSpec() {
    AgentSpec cached = BROM.newBuilder().field("mood", "sleepy").build();
    f.session.updateSpec("brom", cached);

    String turnId = f.session.interact("brom", f.event("Hello"));
    ScriptedStateProvider.Pending pending = f.state.next();
    f.timer.fire();

    f.events.next(TurnEvent.Started.class, turnId);
    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);
    assertThat(finished.finishReason()).isEqualTo("stop");
    assertThat(pending.future()).isCancelled();
    assertThat(f.llm.calls().get(0).request().options()).containsEntry(LlmRequest.OPTION_AGENT_SPEC, cached);
  }

  @Test
  void answeredStateBecomesTheCachedSpec() {
    AgentSpec fresh = BROM.newBuilder().field("mood", "alert").build();
    String first = f.session.interact("brom", f.event("Hello"));
    f.answerState(fresh);
    f.events.nextTerminal(first);

    String second = f.session.interact("brom", f.event("Hello again"));
    f.state.next(); // never answered: times out onto the spec the first turn got
    f.timer.fire();

    f.events.next(TurnEvent.Started.class, second);
    f.events.nextTerminal(second);
    assertThat(f.llm.calls().get(1).request().options()).containsEntry(LlmRequest.OPTION_AGENT_SPEC, fresh);
  }

  @Test
  void answeredStateCancelsTheTimer() {
    String turnId = f.session.interact("brom", f.event("Hello"));
    f.answerState(BROM);
    f.events.nextTerminal(turnId);

    assertThat(f.timer.hasPending()).isFalse();
  }

  @Test
  void resetForgetsTheCachedSpec() {
    String first = f.session.interact("brom", f.event("Hello"));
    f.answerState(BROM);
    f.events.nextTerminal(first);

    f.session.resetAgent("brom");

    String second = f.session.interact("brom", f.event("Who are you?"));
    f.state.next();
    f.timer.fire();
    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(second);
    assertThat(finished.error().code()).isEqualTo(ErrorCode.STATE_TIMEOUT);
    assertThat(f.events.events(second)).containsExactly(finished);
  }

  @Test
  void stagesTheEngineCannotCancelAreLeftToCompleteAndALateAnswerFromBeforeAResetIsNotCached() {
    // A minimal stage throws on cancel(): the engine must shrug that off, and its late answer arrives.
    List<CompletableFuture<AgentSpec>> answers = new CopyOnWriteArrayList<>();
    try (EngineFixture minimal = new EngineFixture(ScriptedStateProvider.using(request -> {
      CompletableFuture<AgentSpec> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer.minimalCompletionStage();
    }))) {
      String first = minimal.session.interact("brom", minimal.event("Hello"));
      String second = minimal.session.interact("brom", minimal.event("Hello?"));
      assertThat(minimal.events.next()).isEqualTo(
          new TurnEvent.Interrupted("brom", first, TurnEvent.InterruptReason.SUPERSEDED, "e-2"));

      minimal.session.resetAgent("brom");
      minimal.events.nextTerminal(second);
      answers.forEach(answer -> answer.complete(BROM)); // too late for their turns, and from before the reset

      String third = minimal.session.interact("brom", minimal.event("Who are you?"));
      minimal.timer.fire();
      TurnEvent.Finished finished = (TurnEvent.Finished) minimal.events.nextTerminal(third);
      assertThat(finished.error().code()).isEqualTo(ErrorCode.STATE_TIMEOUT);
      assertThat(minimal.llm.callCount()).isZero();
    }
  }

  @Test
  void failedStateEndsTheTurnWithTheProvidersCode() {
    String turnId = f.session.interact("brom", f.event("Hello"));
    f.state.next().fail(new AgentRequestException(ErrorCode.INVALID_FIELD, "state.name is missing"));

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.next();
    assertThat(finished.turnId()).isEqualTo(turnId);
    assertThat(finished.error()).isEqualTo(new TurnEvent.TurnError(ErrorCode.INVALID_FIELD, "state.name is missing", null));
  }

  @Test
  void failedStateFallsBackToTheCachedSpec() {
    f.session.updateSpec("brom", BROM);
    String turnId = f.session.interact("brom", f.event("Hello"));
    f.state.next().fail(new IllegalStateException("connection lost"));

    f.events.next(TurnEvent.Started.class, turnId);
    assertThat(((TurnEvent.Finished) f.events.nextTerminal(turnId)).finishReason()).isEqualTo("stop");
  }

  @Test
  void stateFailureInTheGamesCodeIsLoggedWithItsCause() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    // slf4j-simple, the tests' binding, looks System.err up on every write
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      String turnId = f.session.interact("brom", f.event("Hello"));
      f.state.next().fail(new IllegalStateException("inventory lookup broke"));

      TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);
      assertThat(finished.error().code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(finished.error().message()).doesNotContain("inventory lookup broke");
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("state request failed").contains("java.lang.IllegalStateException: inventory lookup broke");
  }

  @Test
  void providerThatThrowsEndsTheTurnAsInternal() {
    try (AgentEngine engine = AgentEngine.builder().llmClient(f.llm).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, ScriptedStateProvider.using(r -> {
        throw new IllegalStateException("bug");
      }), recorder);
      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      TurnEvent.Finished finished = (TurnEvent.Finished) recorder.next();
      assertThat(finished.turnId()).isEqualTo(turnId);
      assertThat(finished.error().code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(session.activeTurnCount()).isZero();
    }
  }

  @Test
  void stateAnsweredFromAnotherThreadStartsTheTurnThere() {
    String turnId = f.session.interact("brom", f.event("Hello"));
    ScriptedStateProvider.Pending pending = f.state.next();
    CompletableFuture.runAsync(() -> pending.answer(BROM));
    f.events.next(TurnEvent.Started.class, turnId);
    TurnEvent terminal = f.events.nextTerminal(turnId);
    assertThat(terminal).isInstanceOf(TurnEvent.Finished.class);
  }
}
