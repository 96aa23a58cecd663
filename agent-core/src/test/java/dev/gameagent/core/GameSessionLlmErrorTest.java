package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.AuthenticationException;
import dev.gameagent.core.llm.BadResponseException;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.LlmTimeoutException;
import dev.gameagent.core.llm.RateLimitedException;
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import dev.gameagent.core.testing.RecordingLogStore;
import dev.gameagent.core.testing.ScriptedStateProvider;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How the model's failures and odd endings reach {@code Finished}. */
class GameSessionLlmErrorTest {
  private final EngineFixture f = new EngineFixture(ScriptedStateProvider.answering(BROM));

  @AfterEach
  void tearDown() {
    f.close();
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(new RateLimitedException("rate limited by the provider", Duration.ofSeconds(2)), 429),
        Arguments.of(new ServerErrorException("provider unavailable", 503), 503),
        Arguments.of(new AuthenticationException("the provider refused the API key", 401), 401),
        Arguments.of(new LlmTimeoutException("no first token within 30 s"), null),
        Arguments.of(new BadResponseException("malformed stream", 200), 200));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void providerFailureFinishesWithLlmError(LlmException failure, Integer status) {
    f.llm.enqueue(Script.failing(failure));
    String turnId = f.session.interact("brom", f.event("Hello"));

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);

    assertThat(finished.finishReason()).isEqualTo("error");
    assertThat(finished.error()).isEqualTo(new TurnEvent.TurnError(ErrorCode.LLM_ERROR, failure.getMessage(), status));
    assertThat(finished.usage()).isNull();
    assertThat(finished.timing().firstTokenMs()).isEqualTo(-1);
  }

  @Test
  void failureMidStreamClosesTheOpenTagIncompleteFirst() {
    f.llm.enqueue(Script.builder().text("<speech>Halt! Who go").fail(new ServerErrorException("reset", 502)).build());
    String turnId = f.session.interact("brom", f.event("Hello"));

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);

    assertThat(finished.error().status()).isEqualTo(502);
    assertThat(finished.timing().firstTokenMs()).isGreaterThanOrEqualTo(0);
    TurnEvent.TagClose close = f.events.events(turnId).stream().filter(TurnEvent.TagClose.class::isInstance)
        .map(TurnEvent.TagClose.class::cast).findFirst().orElseThrow();
    assertThat(close.complete()).isFalse();
    assertThat(close.content()).isEqualTo("Halt! Who go");
  }

  @Test
  void lengthLimitKeepsItsReasonAndRejectionsAreReported() {
    f.llm.enqueue(Script.builder().text("<emotion>furious</emotion><speech>I was about to")
        .complete("length", new Usage(50, 300)).build());
    String turnId = f.session.interact("brom", f.event("Hello"));

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);

    assertThat(finished.finishReason()).isEqualTo("length");
    assertThat(finished.usage()).isEqualTo(new Usage(50, 300));
    assertThat(finished.rejected()).containsExactly(new TagRejection("emotion", TagRejection.VALUE_NOT_ALLOWED));
  }

  @Test
  void aClientThatFallsSilentEndsTheTurnWithLlmErrorAfterTheIdleTimeout() {
    try (EngineFixture silent = new EngineFixture(ScriptedStateProvider.answering(BROM),
        b -> b.streamIdleTimeout(Duration.ofNanos(1)))) {
      silent.llm.enqueue(Script.hanging("<speech>Halt! Who"));
      String turnId = silent.session.interact("brom", silent.event("Hello"));
      ScriptedLlmClient.Call call = silent.llm.awaitCall(0);
      silent.events.next(TurnEvent.Started.class, turnId);
      silent.events.next(TurnEvent.TagOpen.class, turnId);
      silent.events.next(TurnEvent.TagChunk.class, turnId);

      // The client sends nothing more; the watchdog, fired by hand, finds it silent past the timeout.
      await().until(() -> {
        if (silent.timer.hasPendingSweep()) {
          silent.timer.fireSweeps();
        }
        return silent.events.checker().terminal("brom", turnId) != null;
      });

      TurnEvent.TagClose close = silent.events.next(TurnEvent.TagClose.class, turnId);
      assertThat(close.complete()).isFalse();
      assertThat(close.content()).isEqualTo("Halt! Who");
      TurnEvent.Finished finished = silent.events.next(TurnEvent.Finished.class, turnId);
      assertThat(finished.finishReason()).isEqualTo("error");
      assertThat(finished.error().code()).isEqualTo(ErrorCode.LLM_ERROR);
      assertThat(finished.error().message()).isEqualTo("the model sent nothing for 0 ms");
      await().until(call::cancelled);
      assertThat(silent.session.activeTurnCount()).isZero();
    }
  }

  @Test
  void aClientStillWithinTheIdleTimeoutKeepsStreaming() {
    f.llm.enqueue(Script.builder().text("<speech>Halt!").pause().text("</speech>").complete("stop", null).build());
    String turnId = f.session.interact("brom", f.event("Hello"));
    ScriptedLlmClient.Call call = f.llm.awaitCall(0);
    await().until(call::paused);

    assertThat(f.timer.fireSweeps()).isEqualTo(1); // the watchdog, well within the default 5 minutes

    assertThat(f.timer.hasPendingSweep()).isTrue(); // sweeps on while the turn streams
    assertThat(f.events.checker().terminal("brom", turnId)).isNull();
    call.release();
    assertThat(((TurnEvent.Finished) f.events.nextTerminal(turnId)).finishReason()).isEqualTo("stop");
    assertThat(f.timer.fireSweeps()).isEqualTo(1);
    assertThat(f.timer.hasPendingSweep()).isFalse(); // with the turn ended, the sweep found nothing to watch and stopped
    assertThat(call.cancelled()).isFalse();
  }

  /**
   * The sweep is the engine's, not the turn's: a fatal error while it ends one silent turn (here a
   * listener's stack overflow, which the engine lets through) must not leave later turns unwatched.
   */
  @Test
  void aFatalErrorWhileEndingASilentTurnLeavesLaterTurnsWatched() {
    ManualScheduler timer = new ManualScheduler();
    ScriptedLlmClient llm = new ScriptedLlmClient();
    List<TurnEvent> events = new CopyOnWriteArrayList<>();
    AtomicBoolean overflowOnce = new AtomicBoolean(true);
    TurnListener listener = event -> {
      if (event instanceof TurnEvent.Finished && overflowOnce.compareAndSet(true, false)) {
        throw new StackOverflowError("the game's listener recursed");
      }
      events.add(event);
    };
    AgentEngine engine = AgentEngine.builder().llmClient(llm).logStore(new RecordingLogStore()).scheduler(timer)
        .streamIdleTimeout(Duration.ofNanos(1)).build();
    try {
      GameSession session = engine.openSession("s-idle", ScriptedStateProvider.answering(BROM), listener);
      llm.enqueue(Script.hanging());
      session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));
      llm.awaitCall(0);
      assertThat(timer.hasPendingSweep()).isTrue();
      assertThatThrownBy(timer::fireSweeps).isInstanceOf(StackOverflowError.class); // on this thread: no state executor

      llm.enqueue(Script.hanging());
      String second = session.interact("mira", InteractionEvent.of(session.newEventId(), "player", "Hello"));
      ScriptedLlmClient.Call call = llm.awaitCall(1);
      await().until(() -> {
        if (timer.hasPendingSweep()) {
          timer.fireSweeps();
        }
        return events.stream().anyMatch(e -> e instanceof TurnEvent.Finished f && f.turnId().equals(second));
      });
      await().until(call::cancelled);
    } finally {
      engine.close();
      timer.shutdownNow();
      llm.close();
    }
  }

  /** Streaming turns share one sweep: a timer per turn woke the timer thread on every turn. */
  @Test
  void oneSweepWatchesEveryStreamingTurn() {
    f.llm.enqueue(Script.builder().text("<speech>Halt!").pause().text("</speech>").complete("stop", null).build());
    f.llm.enqueue(Script.builder().text("<speech>Hm.").pause().text("</speech>").complete("stop", null).build());
    String brom = f.session.interact("brom", f.event("Hello"));
    String mira = f.session.interact("mira", f.event("Hello"));
    ScriptedLlmClient.Call first = f.llm.awaitCall(0);
    ScriptedLlmClient.Call second = f.llm.awaitCall(1);
    await().until(() -> first.paused() && second.paused());

    assertThat(f.timer.fireSweeps()).isEqualTo(1);
    assertThat(f.timer.fireSweeps()).isEqualTo(1); // re-armed once, for both

    first.release();
    assertThat(((TurnEvent.Finished) f.events.nextTerminal(brom)).finishReason()).isEqualTo("stop");
    second.release();
    assertThat(((TurnEvent.Finished) f.events.nextTerminal(mira)).finishReason()).isEqualTo("stop");
  }

  /** A reasoning model thinks aloud in {@code onReasoning} before it answers: it is not silent. */
  @Test
  void reasoningDeltasKeepAThinkingModelWithinTheIdleTimeout() throws Exception {
    Duration idleTimeout = Duration.ofSeconds(2);
    CompletableFuture<LlmStreamHandler> handlers = new CompletableFuture<>();
    LlmClient thinking = (request, handler) -> {
      handlers.complete(handler);
      return () -> {};
    };
    try (EngineFixture reasoning = new EngineFixture(ScriptedStateProvider.answering(BROM),
        b -> b.llmClient(thinking).streamIdleTimeout(idleTimeout))) {
      String turnId = reasoning.session.interact("brom", reasoning.event("Hello"));
      LlmStreamHandler handler = handlers.get(10, TimeUnit.SECONDS);
      handler.onText("<speech>Hm.");
      long lastText = System.nanoTime();
      // Longer than the idle timeout passes without a text delta (not synchronization: idleness needs time).
      await().pollDelay(idleTimeout.plusMillis(500)).atMost(idleTimeout.plusSeconds(10))
          .until(() -> System.nanoTime() - lastText > idleTimeout.plusMillis(500).toNanos());

      handler.onReasoning("The stranger looks nervous; is he the one the mayor warned about?");
      reasoning.timer.fireSweeps();

      assertThat(reasoning.events.checker().terminal("brom", turnId)).as("the turn of a model that is reasoning").isNull();
      handler.onText(" Who goes there?</speech>");
      handler.onComplete(new LlmCompletion("stop", null));
      assertThat(((TurnEvent.Finished) reasoning.events.nextTerminal(turnId)).finishReason()).isEqualTo("stop");
    }
  }

  /**
   * The sweep hands a silent turn to its agent through the state executor, which may run the check
   * late: a client that called back meanwhile keeps its turn, and the turn is watched again, so if
   * it then falls silent for good it still ends.
   */
  @Test
  void aClientThatCallsBackBetweenTheSweepAndTheCheckIsWatchedAgain() throws Exception {
    Duration idleTimeout = Duration.ofSeconds(2);
    Queue<Runnable> held = new ConcurrentLinkedQueue<>();
    CompletableFuture<LlmStreamHandler> handlers = new CompletableFuture<>();
    LlmClient client = (request, handler) -> {
      handlers.complete(handler);
      return () -> {};
    };
    try (EngineFixture late = new EngineFixture(ScriptedStateProvider.answering(BROM),
        b -> b.llmClient(client).streamIdleTimeout(idleTimeout).stateExecutor(held::add))) {
      String turnId = late.session.interact("brom", late.event("Hello"));
      runAll(held); // the state answer: the turn starts streaming
      LlmStreamHandler handler = handlers.get(10, TimeUnit.SECONDS);
      handler.onText("<speech>Hm.");
      awaitSilence(idleTimeout);
      assertThat(late.timer.fireSweeps()).isEqualTo(1);
      assertThat(held).as("the sweep's check, waiting for the executor").hasSize(1);

      handler.onText(" Who goes"); // the client calls back before the check runs
      runAll(held);

      assertThat(late.events.checker().terminal("brom", turnId)).as("a turn whose client called back").isNull();
      assertThat(late.timer.hasPendingSweep()).as("the turn is watched again").isTrue();
      awaitSilence(idleTimeout);
      await().until(() -> {
        late.timer.fireSweeps();
        runAll(held);
        return late.events.checker().terminal("brom", turnId) != null;
      });
      TurnEvent.Finished finished = (TurnEvent.Finished) late.events.checker().terminal("brom", turnId);
      assertThat(finished.error().code()).isEqualTo(ErrorCode.LLM_ERROR);
    }
  }

  /** Lets more than {@code idleTimeout} pass (not synchronization: idleness needs time). */
  private static void awaitSilence(Duration idleTimeout) {
    long from = System.nanoTime();
    Duration silence = idleTimeout.plusMillis(200);
    await().pollDelay(silence).atMost(silence.plusSeconds(10)).until(() -> System.nanoTime() - from > silence.toNanos());
  }

  private static void runAll(Queue<Runnable> tasks) {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
  }

  @Test
  void contentFilterFinishReasonIsPassedOn() {
    f.llm.enqueue(Script.builder().text("<speech>Hi</speech>").complete("content_filter", null).build());
    String turnId = f.session.interact("brom", f.event("Hello"));
    assertThat(((TurnEvent.Finished) f.events.nextTerminal(turnId)).finishReason()).isEqualTo("content_filter");
  }
}
