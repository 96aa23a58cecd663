package dev.gameagent.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.TurnRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MainThreadStatesTest {
  private final List<Thread> specReaders = new CopyOnWriteArrayList<>();
  private final MainThreadStates states = new MainThreadStates(agentId -> {
    specReaders.add(Thread.currentThread());
    return AgentSpec.builder("Brom").field("mood", "tired").build();
  });
  private final ScriptedLlmClient model = new ScriptedLlmClient();
  private final ExecutorService turnWork = Executors.newSingleThreadExecutor();
  // The state timeout is out of the way: a test stalled past the default 5 s before its tick would
  // see the engine give up on the request and skip it.
  private final AgentEngine engine = AgentEngine.builder().llmClient(model).stateExecutor(turnWork)
      .stateTimeout(Duration.ofMinutes(10)).build();
  private final TurnRecorder turns = new TurnRecorder();
  private final GameSession session = engine.openSession(null, states, turns);

  @AfterEach
  void close() {
    engine.close();
    model.close();
    turnWork.shutdownNow();
  }

  @Test
  void aTurnWaitsForTheNextTickAndReadsTheSpecOnTheMainThread() {
    String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));
    assertThat(model.callCount()).as("no request before the tick").isZero();
    assertThat(turns.events(turnId)).isEmpty();

    // The game's tick, here on the test thread.
    assertThat(states.runPending()).isEqualTo(1);

    assertThat(specReaders).containsExactly(Thread.currentThread());
    assertThat(turns.nextTerminal(turnId)).isInstanceOfSatisfying(TurnEvent.Finished.class,
        finished -> assertThat(finished.finishReason()).isEqualTo("stop"));
    assertThat(model.requests()).singleElement()
        .satisfies(request -> assertThat(request.messages().get(0).content()).contains("tired"));
  }

  @Test
  void aRequestTheEngineGaveUpOnIsSkipped() {
    String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));
    session.cancelTurn("brom", turnId);
    await().atMost(Duration.ofSeconds(20)).until(() -> !turns.events(turnId).isEmpty());

    assertThat(states.runPending()).isZero();
    assertThat(specReaders).isEmpty();
    assertThat(model.callCount()).isZero();
  }
}
