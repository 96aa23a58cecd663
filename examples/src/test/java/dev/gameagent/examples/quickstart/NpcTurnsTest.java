package dev.gameagent.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.TurnListener;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The quick start's listener at the edges the quick start itself does not reach. */
class NpcTurnsTest {
  private final ScriptedLlmClient model = new ScriptedLlmClient();
  private final AgentEngine engine = AgentEngine.builder().llmClient(model).build();
  private final List<String> answered = new CopyOnWriteArrayList<>();
  /** What escaped the listener: the engine logs and swallows it, so the test looks here. */
  private final List<Throwable> thrown = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    engine.close();
    model.close();
  }

  @Test
  void aTurnEndedByResetAgentIsAnsweredWithoutConfirmingAForgottenTurn() {
    NpcTurns npcs = new NpcTurns(new Answers());
    GameSession session = engine.openSession(null,
        request -> CompletableFuture.completedFuture(AgentSpec.builder("Brom").build()), guarded(npcs));
    npcs.attach(session);
    model.enqueue(Script.hanging("<speech>Halt! Who"));
    String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));
    model.awaitCall(0);

    session.resetAgent("brom");

    await().until(() -> answered.contains(turnId));
    assertThat(thrown).isEmpty();
    assertThat(session.history("brom")).isEmpty();
  }

  @Test
  void forgettingToAttachTheSessionIsNamedInsteadOfANullPointer() {
    NpcTurns npcs = new NpcTurns(new Answers());
    GameSession session = engine.openSession(null,
        request -> CompletableFuture.completedFuture(AgentSpec.builder("Brom").build()), guarded(npcs));
    model.enqueue(Script.of("<speech>Halt!</speech>"));

    session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));

    await().until(() -> !thrown.isEmpty());
    assertThat(thrown.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("attach(session)");
  }

  @Test
  void aFailedTurnIsStillAnswered() {
    NpcTurns npcs = new NpcTurns(new Answers());
    GameSession session = engine.openSession(null, request -> CompletableFuture.failedFuture(new IllegalStateException("no world")),
        guarded(npcs));
    npcs.attach(session);

    String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));

    await().until(() -> answered.contains(turnId));
    assertThat(thrown).isEmpty();
  }

  /** Records what the listener throws before the engine would swallow it. */
  private TurnListener guarded(TurnListener listener) {
    return event -> {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        thrown.add(e);
        throw e;
      }
    };
  }

  /** A game that only notes which answers ended. */
  private final class Answers implements Game {
    @Override
    public AgentSpec specOf(String agentId) {
      return AgentSpec.builder("Brom").build();
    }

    @Override
    public void showSpeech(String agentId, String text) {}

    @Override
    public void perform(String agentId, ConfirmedTag tag) {}

    @Override
    public Object runTool(String agentId, String name, Map<String, Object> arguments) {
      return Map.of();
    }

    @Override
    public void answered(String agentId, String turnId) {
      answered.add(turnId);
    }
  }
}
