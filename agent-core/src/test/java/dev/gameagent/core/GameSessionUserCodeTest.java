package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.testing.TurnRecorder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's boundary with code it does not own (the listener, the state provider, the LLM client
 * and its calls, the token counter, the log store): that code runs without the agent's lock, and
 * whatever it throws, an {@link Error} included, no turn is left without its terminal event.
 */
class GameSessionUserCodeTest {
  private static final LlmCall NO_OP = () -> {};

  private final ExecutorService prober = Executors.newCachedThreadPool();
  /** Where {@link #probe} looked for the lock. */
  private final List<String> probed = new CopyOnWriteArrayList<>();
  /** What escaped onto a client's bare thread; must stay empty. */
  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    prober.shutdownNow();
    assertThat(uncaught).isEmpty();
  }

  // ---- No lock held ----

  @Test
  void userCodeRunsWithoutTheAgentLock() {
    List<String> lockedIn = new CopyOnWriteArrayList<>();
    GameSession[] session = new GameSession[1];
    AtomicInteger calls = new AtomicInteger();
    LlmClient client = new LlmClient() {
      @Override
      public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
        probe(session[0], "stream", lockedIn);
        boolean first = calls.getAndIncrement() == 0;
        onBareThread(() -> {
          handler.onText("<speech>Hi.</speech>");
          if (!first) {
            handler.onComplete(new LlmCompletion("stop", null));
          }
        });
        return () -> probe(session[0], "cancel", lockedIn);
      }

      @Override
      public String modelFor(LlmRequest request) {
        probe(session[0], "modelFor", lockedIn);
        return "probe";
      }
    };
    TurnRecorder recorder = new TurnRecorder();
    try (AgentEngine engine = AgentEngine.builder().llmClient(client).build()) {
      session[0] = engine.openSession(null, request -> {
        probe(session[0], "requestState", lockedIn);
        return CompletableFuture.completedFuture(BROM);
      }, event -> {
        probe(session[0], "listener " + event.getClass().getSimpleName(), lockedIn);
        recorder.onEvent(event);
      });

      String first = session[0].interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      recorder.next(TurnEvent.Started.class, first);
      recorder.next(TurnEvent.TagOpen.class, first);
      recorder.next(TurnEvent.TagChunk.class, first);
      recorder.next(TurnEvent.TagClose.class, first);
      String second = session[0].interact("brom", InteractionEvent.of("e-2", "player", "again"));

      assertThat(recorder.nextTerminal(first)).isInstanceOf(TurnEvent.Interrupted.class);
      assertThat(recorder.nextTerminal(second)).isInstanceOf(TurnEvent.Finished.class);
      recorder.checker().assertAllEnded();
    }
    assertThat(lockedIn).as("user code called with the agent's lock held").isEmpty();
    assertThat(probed).as("every kind of user code was probed").contains("requestState", "modelFor", "stream", "cancel",
        "listener Started", "listener TagClose", "listener Interrupted", "listener Finished");
  }

  /**
   * Reads the session from another thread: if the calling thread holds the agent's lock, the read
   * blocks until the call returns, so a read that does not finish while we wait means the lock is
   * held. The wait is long enough for a loaded machine; it is only spent when the lock is held.
   */
  private void probe(GameSession session, String where, List<String> lockedIn) {
    probed.add(where);
    try {
      prober.submit(() -> session.history("brom")).get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      lockedIn.add(where);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ---- Errors and checked exceptions, not only runtime exceptions ----

  /**
   * What user code may throw besides a runtime exception: an {@link Error}, and a checked exception
   * (Kotlin has none, so a Kotlin listener or provider may throw an IOException at us).
   */
  static Stream<Throwable> nonRuntimeFailures() {
    return Stream.of(new AssertionError("game bug"), new NoClassDefFoundError("game/Spec"),
        new IOException("save file locked"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonRuntimeFailures")
  void listenerThrowingLosesNoEventOfAClientOnABareThread(Throwable failure) {
    LlmClient client = (request, handler) -> {
      onBareThread(() -> {
        handler.onText("<speech>Hi");
        handler.onText(" there.</speech>");
        handler.onComplete(new LlmCompletion("stop", null));
      });
      return NO_OP;
    };

    String trace = twoTurns(AgentEngine.builder().llmClient(client), answering(),
        recorder -> event -> {
          recorder.onEvent(event);
          if (event instanceof TurnEvent.TagOpen) {
            throw sneaky(failure);
          }
        });

    assertThat(trace).isEqualTo("Started TagOpen TagChunk TagChunk TagClose Finished(stop)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonRuntimeFailures")
  void stateProviderThrowingEndsTheTurn(Throwable failure) {
    AgentStateProvider provider = firstRequestTo(request -> {
      throw sneaky(failure);
    });

    String trace = twoTurns(AgentEngine.builder().llmClient(instant()), provider, recorder -> recorder);

    assertThat(trace).isEqualTo("Finished(error/internal)");
  }

  /** A stage of the game's own making whose {@code whenComplete} fails, as a half-done adapter's may. */
  @Test
  void stateStageRefusingACallbackEndsTheTurn() {
    AgentStateProvider provider = firstRequestTo(request -> new CompletableFuture<AgentSpec>() {
      @Override
      public CompletableFuture<AgentSpec> whenComplete(BiConsumer<? super AgentSpec, ? super Throwable> action) {
        throw new UnsupportedOperationException("not yet");
      }
    });

    String trace = twoTurns(AgentEngine.builder().llmClient(instant()), provider, recorder -> recorder);

    assertThat(trace).isEqualTo("Finished(error/internal)");
  }

  /**
   * A stage completed normally but with null, later on a game thread: no hang and nothing thrown at
   * the game; the turn ends as when the stage fails, with {@code internal} since no spec is cached.
   */
  @Test
  void stateCompletedWithNullEndsTheTurnWhenNoSpecIsCached() {
    AgentStateProvider provider = firstRequestTo(request -> {
      CompletableFuture<AgentSpec> later = new CompletableFuture<>();
      onBareThread(() -> later.complete(null));
      return later;
    });
    TurnRecorder recorder = new TurnRecorder();
    // A manual timer: a late bare thread must not lose the race to a state timeout (state_timeout, not internal).
    ManualScheduler timer = new ManualScheduler();
    try (AgentEngine engine = AgentEngine.builder().llmClient(instant()).scheduler(timer).build()) {
      GameSession session = engine.openSession(null, provider, recorder);

      String first = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      TurnEvent.Finished finished = (TurnEvent.Finished) recorder.nextTerminal(first);
      String second = session.interact("brom", InteractionEvent.of("e-2", "player", "again"));

      assertThat(recorder.events(first)).containsExactly(finished);
      assertThat(finished.error()).isEqualTo(new TurnEvent.TurnError(ErrorCode.INTERNAL,
          "the game's state request failed and no spec is cached", null));
      assertThat(recorder.nextTerminal(second)).isInstanceOf(TurnEvent.Finished.class)
          .extracting(e -> ((TurnEvent.Finished) e).error()).isNull();
      recorder.checker().assertAllEnded();
    } finally {
      timer.shutdownNow();
    }
  }

  /** A stage completed with null once the agent has a spec: the turn runs on that last spec. */
  @Test
  void stateCompletedWithNullUsesTheCachedSpec() {
    AtomicInteger requests = new AtomicInteger();
    AgentStateProvider provider = request ->
        CompletableFuture.completedFuture(requests.getAndIncrement() == 0 ? BROM : null);
    TurnRecorder recorder = new TurnRecorder();
    try (AgentEngine engine = AgentEngine.builder().llmClient(instant()).build()) {
      GameSession session = engine.openSession(null, provider, recorder);
      String first = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      recorder.nextTerminal(first);

      String second = session.interact("brom", InteractionEvent.of("e-2", "player", "again"));
      recorder.nextTerminal(second);

      assertThat(recorder.events(second).stream().map(GameSessionUserCodeTest::describe))
          .containsExactly("Started", "TagOpen", "TagChunk", "TagClose", "Finished(stop)");
      recorder.checker().assertAllEnded();
    }
  }

  @Test
  void clientStreamThrowingAnErrorEndsTheTurn() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient client = (request, handler) -> {
      if (calls.getAndIncrement() == 0) {
        throw new AssertionError("client bug");
      }
      return instant().stream(request, handler);
    };

    String trace = twoTurns(AgentEngine.builder().llmClient(client), answering(), recorder -> recorder);

    assertThat(trace).isEqualTo("Started Finished(error/internal)");
  }

  @Test
  void modelNameThrowingAnErrorIsNotFatal() {
    LlmClient client = new LlmClient() {
      @Override
      public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
        return instant().stream(request, handler);
      }

      @Override
      public String modelFor(LlmRequest request) {
        throw new ExceptionInInitializerError("model table");
      }
    };

    String trace = twoTurns(AgentEngine.builder().llmClient(client), answering(), recorder -> recorder);

    assertThat(trace).isEqualTo("Started TagOpen TagChunk TagClose Finished(stop)");
  }

  @Test
  void tokenCounterThrowingAnErrorEndsTheTurn() {
    AtomicInteger counts = new AtomicInteger();
    TokenCounter counter = text -> {
      if (counts.getAndIncrement() == 0) {
        throw new AssertionError("counter bug");
      }
      return text.length();
    };

    String trace = twoTurns(AgentEngine.builder().llmClient(instant())
        .promptBuilder(PromptBuilder.builder().tokenCounter(counter).build()), answering(), recorder -> recorder);

    assertThat(trace).isEqualTo("Finished(error/internal)");
  }

  @Test
  void logStoreThrowingAnErrorDisturbsNoTurn() {
    LogStore failing = new LogStore() {
      @Override
      public void historyAppended(String sessionId, String agentId, HistoryEntry entry) {
        throw new AssertionError("disk bug");
      }

      @Override
      public void llmRequest(String sessionId, String agentId, String turnId, LlmRequest request) {
        throw new AssertionError("disk bug");
      }

      @Override
      public void turnEnded(String sessionId, TurnEvent terminal) {
        throw new AssertionError("disk bug");
      }
    };

    String trace = twoTurns(AgentEngine.builder().llmClient(instant()).logStore(failing), answering(),
        recorder -> recorder);

    assertThat(trace).isEqualTo("Started TagOpen TagChunk TagClose Finished(stop)");
  }

  @Test
  void cancelThrowingAnErrorStillReportsTheInterruption() {
    AtomicInteger calls = new AtomicInteger();
    LlmClient client = (request, handler) -> {
      if (calls.getAndIncrement() == 0) {
        return () -> {
          throw new AssertionError("cancel bug");
        };
      }
      return instant().stream(request, handler);
    };
    TurnRecorder recorder = new TurnRecorder();
    try (AgentEngine engine = AgentEngine.builder().llmClient(client).build()) {
      GameSession session = engine.openSession(null, answering(), recorder);
      String first = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      recorder.next(TurnEvent.Started.class, first);

      String second = session.interact("brom", InteractionEvent.of("e-2", "player", "again"));

      assertThat(recorder.next(TurnEvent.Interrupted.class, first).reason())
          .isEqualTo(TurnEvent.InterruptReason.SUPERSEDED);
      assertThat(recorder.nextTerminal(second)).isInstanceOf(TurnEvent.Finished.class);
      recorder.checker().assertAllEnded();
      assertThat(session.activeTurnCount()).isZero();
    }
  }

  // ---- Helpers ----

  /**
   * Runs a turn with the given collaborators, then a second one to show the agent is not stuck, and
   * returns the first turn's trace: event names, the terminal with its outcome.
   */
  private static String twoTurns(AgentEngine.Builder builder, AgentStateProvider provider,
      Function<TurnRecorder, TurnListener> listener) {
    TurnRecorder recorder = new TurnRecorder();
    try (AgentEngine engine = builder.build()) {
      GameSession session = engine.openSession(null, provider, listener.apply(recorder));

      String first = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));
      recorder.nextTerminal(first);
      String second = session.interact("brom", InteractionEvent.of("e-2", "player", "again"));
      recorder.nextTerminal(second);

      recorder.checker().assertAllEnded();
      assertThat(session.activeTurnCount()).isZero();
      return recorder.events(first).stream().map(GameSessionUserCodeTest::describe).collect(Collectors.joining(" "));
    }
  }

  private static String describe(TurnEvent event) {
    if (event instanceof TurnEvent.Finished f) {
      return "Finished(" + f.finishReason() + (f.error() == null ? "" : "/" + f.error().code().wireName()) + ")";
    }
    return event.getClass().getSimpleName();
  }

  private static AgentStateProvider answering() {
    return request -> CompletableFuture.completedFuture(BROM);
  }

  /** Sends the first state request to {@code first}; answers every later one with Brom. */
  private static AgentStateProvider firstRequestTo(AgentStateProvider first) {
    AtomicInteger requests = new AtomicInteger();
    return request -> requests.getAndIncrement() == 0 ? first.requestState(request) : CompletableFuture.completedFuture(BROM);
  }

  /** Answers on the calling thread. */
  private static LlmClient instant() {
    return (request, handler) -> {
      handler.onText("<speech>Hi.</speech>");
      handler.onComplete(new LlmCompletion("stop", null));
      return NO_OP;
    };
  }

  /** Throws {@code failure} whatever it is, as code in a language without checked exceptions may. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable failure) throws T {
    throw (T) failure;
  }

  /** Runs {@code work} on a new thread whose uncaught failures are recorded, like a client's bare I/O thread. */
  private void onBareThread(Runnable work) {
    Thread thread = new Thread(work, "bare-client-thread");
    thread.setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    thread.start();
  }
}
