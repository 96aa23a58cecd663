package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optional state executor: once a turn's state is known (or timed out), the prompt is built and
 * the stream started there, so the thread that completed the state request (a Netty event loop, in
 * the server) only hands the turn over.
 */
class EngineStateExecutorTest {
  private static final String CONTINUATION_THREAD = "state-continuation";

  private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, CONTINUATION_THREAD);
    thread.setDaemon(true);
    return thread;
  });
  /** The threads that counted prompt tokens (built prompts) and that called {@code stream}. */
  private final List<String> promptThreads = new CopyOnWriteArrayList<>();
  private final List<String> streamThreads = new CopyOnWriteArrayList<>();
  private final LlmClient llm = (request, handler) -> {
    streamThreads.add(Thread.currentThread().getName());
    handler.onText("<speech>Hi.</speech>");
    handler.onComplete(new LlmCompletion("stop", null));
    return () -> {};
  };
  private final PromptBuilder prompts = PromptBuilder.builder().tokenCounter(text -> {
    promptThreads.add(Thread.currentThread().getName());
    return text.length() / 4;
  }).build();

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  void stateAnswerContinuesTheTurnOnTheExecutor() {
    ScriptedStateProvider state = ScriptedStateProvider.manual();
    ManualScheduler timer = new ManualScheduler();
    try (AgentEngine engine = AgentEngine.builder().llmClient(llm).promptBuilder(prompts).scheduler(timer)
        .stateExecutor(executor).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, state, recorder);
      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));

      state.next().answer(BROM);

      assertThat(recorder.nextTerminal(turnId)).isInstanceOf(TurnEvent.Finished.class);
      assertThat(promptThreads).isNotEmpty().allMatch(CONTINUATION_THREAD::equals);
      assertThat(streamThreads).containsExactly(CONTINUATION_THREAD);
      recorder.checker().assertAllEnded();
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void stateTimeoutContinuesTheTurnOnTheExecutor() {
    ManualScheduler timer = new ManualScheduler();
    try (AgentEngine engine = AgentEngine.builder().llmClient(llm).promptBuilder(prompts).scheduler(timer)
        .stateExecutor(executor).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, ScriptedStateProvider.manual(), recorder);
      session.updateSpec("brom", BROM);
      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));

      timer.fire();

      assertThat(recorder.nextTerminal(turnId)).isInstanceOf(TurnEvent.Finished.class);
      assertThat(streamThreads).containsExactly(CONTINUATION_THREAD);
    } finally {
      timer.shutdownNow();
    }
  }

  static Stream<Throwable> refusals() {
    return Stream.of(new RejectedExecutionException("shut down"), new IllegalStateException("executor bug"),
        new AssertionError("executor bug"));
  }

  /** A refusal, or an executor breaking its contract with another failure: the turn still goes on. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedContinuationRunsOnTheThreadAtHand(Throwable refusal) {
    try (AgentEngine engine = AgentEngine.builder().llmClient(llm).promptBuilder(prompts).stateExecutor(command -> {
      if (refusal instanceof Error error) {
        throw error;
      }
      throw (RuntimeException) refusal;
    }).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), recorder);

      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));

      assertThat(recorder.events(turnId)).last().isInstanceOf(TurnEvent.Finished.class);
      assertThat(streamThreads).containsExactly(Thread.currentThread().getName());
      recorder.checker().assertAllEnded();
    }
  }

  @Test
  void withoutAnExecutorTheTurnContinuesOnTheAnsweringThread() {
    ScriptedStateProvider state = ScriptedStateProvider.manual();
    // A manual timer: a state timeout would continue the turn on the timer's thread instead.
    ManualScheduler timer = new ManualScheduler();
    try (AgentEngine engine = AgentEngine.builder().llmClient(llm).promptBuilder(prompts).scheduler(timer).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, state, recorder);
      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      ScriptedStateProvider.Pending pending = state.next();

      executor.submit(() -> pending.answer(BROM));

      assertThat(recorder.nextTerminal(turnId)).isInstanceOf(TurnEvent.Finished.class);
      assertThat(streamThreads).containsExactly(CONTINUATION_THREAD);
    } finally {
      timer.shutdownNow();
    }
  }
}
