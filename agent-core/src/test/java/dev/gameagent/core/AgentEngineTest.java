package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's builder, session ids and turn accounting. */
class AgentEngineTest {

  @Test
  void sessionIdsAreRandom128BitHexUnlessGiven() {
    try (AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("")).build()) {
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        ids.add(engine.openSession(null, ScriptedStateProvider.manual(), event -> {}).id());
      }
      assertThat(ids).hasSize(100).allMatch(id -> id.matches("[0-9a-f]{32}"));
      assertThat(engine.openSession("my-game", ScriptedStateProvider.manual(), event -> {}).id()).isEqualTo("my-game");
    }
  }

  @Test
  void idsAreUniquePerSession() {
    try (AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("<speech>Hi</speech>")).build()) {
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), event -> {});
      String e1 = session.newEventId();
      String e2 = session.newEventId();
      String t1 = session.interact("brom", InteractionEvent.of(e1, "player", "a"));
      String t2 = session.interact("mira", InteractionEvent.of(e2, "player", "b"));
      assertThat(e1).isNotEqualTo(e2);
      assertThat(t1).isEqualTo("t-1");
      assertThat(t2).isEqualTo("t-2");
    }
  }

  @Test
  void generatedEventIdsNeverRepeatOnesTheGameGave() {
    try (AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("<speech>Hi</speech>")).build()) {
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), event -> {});
      String generated = session.newEventId();
      // The game numbers its own events the way the server does, and runs ahead of it.
      session.interact("brom", InteractionEvent.of("e-2", "player", "a"));
      session.notify(List.of("brom", "mira"), InteractionEvent.of("e-5", "world", "thunder"));
      session.interact("mira", InteractionEvent.of("e-4", "player", "b"));

      assertThat(session.newEventId()).isNotIn(generated, "e-2", "e-4", "e-5").isEqualTo("e-6");
    }
  }

  /** A game that never wants a timeout gives a huge one; it must not overflow when counted in nanoseconds. */
  @Test
  void timeoutsTooLongToCountInNanosecondsMeanNever() {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    try (AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("<speech>Hi</speech>"))
        .stateTimeout(forever).streamIdleTimeout(forever).build()) {
      ScriptedStateProvider state = ScriptedStateProvider.manual();
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, state, recorder);

      String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));
      state.next().answer(BROM);

      assertThat(recorder.nextTerminal(turnId)).isInstanceOfSatisfying(TurnEvent.Finished.class,
          finished -> assertThat(finished.finishReason()).isEqualTo("stop"));
      assertThat(session.activeTurnCount()).isZero();
    }
  }

  @Test
  void builderRejectsMisuse() {
    assertThatThrownBy(() -> AgentEngine.builder().build()).hasMessageContaining("llmClient");
    assertThatThrownBy(() -> AgentEngine.builder().stateTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stateTimeout");
    assertThatThrownBy(() -> AgentEngine.builder().streamIdleTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streamIdleTimeout");
    assertThatThrownBy(() -> AgentEngine.builder().maxToolContinuations(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxToolContinuations");
    assertThatThrownBy(() -> AgentEngine.builder().maxHistoryEntries(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHistoryEntries");
    try (AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("")).build()) {
      assertThatThrownBy(() -> engine.openSession("", ScriptedStateProvider.manual(), event -> {}))
          .isInstanceOf(IllegalArgumentException.class);
      GameSession session = engine.openSession(null, ScriptedStateProvider.manual(), event -> {});
      assertThatThrownBy(() -> session.interact("", InteractionEvent.of("e", "p", "t")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> session.interact(null, InteractionEvent.of("e", "p", "t")))
          .isInstanceOf(NullPointerException.class).hasMessage("agentId == null");
    }
  }

  @Test
  void activeTurnsAreCountedOverSessions() {
    // A manual timer: the turns wait for state until the test ends them, however slow the machine.
    ManualScheduler timer = new ManualScheduler();
    try (ScriptedLlmClient llm = new ScriptedLlmClient();
        AgentEngine engine = AgentEngine.builder().llmClient(llm).scheduler(timer).build()) {
      GameSession one = engine.openSession(null, ScriptedStateProvider.manual(), event -> {});
      GameSession two = engine.openSession(null, ScriptedStateProvider.manual(), event -> {});
      one.interact("brom", InteractionEvent.of("e-1", "player", "a"));
      one.interact("mira", InteractionEvent.of("e-2", "player", "b"));
      two.interact("brom", InteractionEvent.of("e-1", "player", "c"));

      assertThat(one.activeTurnCount()).isEqualTo(2);
      assertThat(two.activeTurnCount()).isEqualTo(1);
      assertThat(engine.activeTurnCount()).isEqualTo(3);

      one.shutdown();
      assertThat(engine.activeTurnCount()).isEqualTo(1);
      two.cancelTurn("brom", null);
      assertThat(engine.activeTurnCount()).isZero();
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void configuredStateTimeoutIsTheOneScheduled() {
    try (EngineFixture f = new EngineFixture(ScriptedStateProvider.manual(), b -> b.stateTimeout(Duration.ofMillis(1500)))) {
      String turnId = f.session.interact("brom", f.event("Hello"));
      f.state.next();

      assertThat(f.timer.pendingDelay()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(1500).toNanos());
      f.timer.fire();
      TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);
      assertThat(finished.error().message()).contains("within 1500 ms");
    }
  }

  @Test
  void closingTheEngineLeavesNoTurnWaitingForState() {
    ScriptedStateProvider state = ScriptedStateProvider.manual();
    TurnRecorder events = new TurnRecorder();
    AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient(""))
        .stateTimeout(Duration.ofMillis(200)).build();
    GameSession session = engine.openSession(null, state, events);
    String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "a"));
    state.next();

    engine.close();

    // Its timeout still comes (whether before or after the close, it ends the turn).
    TurnEvent.Finished finished = (TurnEvent.Finished) events.nextTerminal(turnId);
    assertThat(finished.error().code()).isIn(ErrorCode.INTERNAL, ErrorCode.STATE_TIMEOUT);
    assertThat(engine.activeTurnCount()).isZero();
  }

  @Test
  void aClosedEngineStartsNoStreamWhenTheStateComes() {
    try (EngineFixture f = new EngineFixture()) {
      String turnId = f.session.interact("brom", f.event("Hello"));
      ScriptedStateProvider.Pending pending = f.state.next();

      f.engine.close();
      pending.answer(BROM);

      TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);
      assertThat(finished.error()).isEqualTo(new TurnEvent.TurnError(ErrorCode.INTERNAL, "the engine is closed", null));
      assertThat(f.llm.callCount()).isZero();
    }
  }

  @Test
  void aClosedEngineStartsNoStreamWhenAStateTimeoutComes() {
    try (EngineFixture f = new EngineFixture()) {
      f.session.updateSpec("brom", BROM);
      String turnId = f.session.interact("brom", f.event("Hello"));
      ScriptedStateProvider.Pending pending = f.state.next();

      f.engine.close();
      f.timer.fire();

      TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);
      assertThat(finished.error()).isEqualTo(new TurnEvent.TurnError(ErrorCode.INTERNAL, "the engine is closed", null));
      assertThat(f.events.events(turnId)).containsExactly(finished);
      assertThat(f.llm.callCount()).isZero();
      assertThat(pending.future()).isCancelled();
    }
  }

  @Test
  void closedEngineEndsNewTurnsAsInternalErrors() {
    ScriptedStateProvider state = ScriptedStateProvider.manual();
    TurnRecorder events = new TurnRecorder();
    AgentEngine engine = AgentEngine.builder().llmClient(new InstantLlmClient("")).build();
    GameSession session = engine.openSession(null, state, events);
    engine.close();

    String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "a"));

    TurnEvent.Finished finished = (TurnEvent.Finished) events.nextTerminal(turnId);
    assertThat(finished.error().code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(session.activeTurnCount()).isZero();
  }
}
