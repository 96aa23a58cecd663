package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.core.testing.ScriptedLlmClient.Call;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A faulty collaborator (an LLM client breaking its contract, a throwing token counter or state
 * provider) never leaves a turn stuck: the turn still gets exactly one terminal event, in protocol
 * order, and stops counting as active.
 */
class GameSessionFaultTest {
  private static final LlmCall NO_OP = () -> {};

  /** What a client does with a turn's stream. */
  private interface Behaviour {
    LlmCall stream(LlmStreamHandler handler);
  }

  /** Runs {@code behaviour} on another thread, like a real client's callbacks. */
  private static Behaviour onItsOwnThread(Behaviour behaviour) {
    return handler -> {
      CompletableFuture.runAsync(() -> behaviour.stream(handler));
      return NO_OP;
    };
  }

  /** Each fault, the outcome it must end in, and the turn's events (a close with its content and completeness). */
  static Stream<Arguments> faultyClients() {
    return Stream.of(
        Arguments.of("stream throws", (Behaviour) handler -> {
          throw new IllegalStateException("client bug");
        }, "error/internal", "Started Finished"),
        Arguments.of("stream throws an LlmException", (Behaviour) handler -> {
          throw new ServerErrorException("provider down", 503);
        }, "error/llm_error", "Started Finished"),
        Arguments.of("stream returns null", (Behaviour) handler -> null, "error/internal", "Started Finished"),
        // A tag left open by a failure is closed incomplete first: only an interrupted turn may leave one open.
        Arguments.of("a null text delta mid-tag", onItsOwnThread(handler -> {
          handler.onText("<speech>Hal");
          handler.onText(null);
          return NO_OP;
        }), "error/internal", "Started TagOpen TagChunk TagClose(Hal,incomplete) Finished"),
        Arguments.of("a null completion", onItsOwnThread(handler -> {
          handler.onText("<speech>Halt!</speech>");
          handler.onComplete(null);
          return NO_OP;
        }), "error/internal", "Started TagOpen TagChunk TagClose(Halt!,complete) Finished"),
        Arguments.of("a null error", onItsOwnThread(handler -> {
          handler.onText("<speech>Hal");
          handler.onError(null);
          return NO_OP;
        }), "error/llm_error", "Started TagOpen TagChunk TagClose(Hal,incomplete) Finished"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faultyClients")
  void faultyLlmClientEndsTheTurn(String name, Behaviour behaviour, String outcome, String trace) {
    LlmClient client = (request, handler) -> behaviour.stream(handler);
    try (AgentEngine engine = AgentEngine.builder().llmClient(client).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), recorder);

      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));

      TurnEvent.Finished finished = (TurnEvent.Finished) recorder.nextTerminal(turnId);
      assertThat(finished.finishReason() + "/" + finished.error().code().wireName()).isEqualTo(outcome);
      assertThat(trace(recorder.events(turnId))).isEqualTo(trace);
      recorder.checker().assertAllEnded();
      assertThat(session.activeTurnCount()).isZero();
      // The turn is over: a new one runs (and fails the same way) rather than queueing behind it.
      String next = session.interact("brom", InteractionEvent.of("e-2", "player", "again"));
      assertThat(recorder.nextTerminal(next)).isInstanceOf(TurnEvent.Finished.class);
    }
  }

  /** A stream ending normally, and one failing mid-tag: either way the client calls back after it. */
  static Stream<Arguments> endedStreams() {
    return Stream.of(
        Arguments.of("after onComplete", Script.of("<speech>Halt!</speech>")),
        Arguments.of("after onError",
            Script.builder().text("<speech>Hal").fail(new ServerErrorException("provider down", 503)).build()));
  }

  /**
   * A client calling back after its terminal callback (a second onComplete or onError, more text):
   * ignored, with no event after the terminal one and nothing thrown back at the client; the next
   * turn runs as usual.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("endedStreams")
  void callbacksAfterTheTerminalOneAreIgnored(String name, Script script) {
    try (EngineFixture f = new EngineFixture(ScriptedStateProvider.answering(BROM))) {
      f.llm.enqueue(script);
      String turnId = f.session.interact("brom", f.event("Hello"));
      TurnEvent terminal = f.events.nextTerminal(turnId);
      Call call = f.llm.awaitCall(0);
      await().until(call::terminated);

      assertThatCode(() -> lateCallbacks(call.handler())).doesNotThrowAnyException();

      String next = f.session.interact("brom", f.event("Still there?"));
      assertThat(f.events.nextTerminal(next)).isInstanceOf(TurnEvent.Finished.class);
      assertThat(f.events.events(turnId)).last().isEqualTo(terminal);
      assertThat(f.logs.records("ended")).hasSize(2);
      f.events.checker().assertAllEnded();
    }
  }

  /**
   * A client calling back after its turn was superseded and its call cancelled: the late callbacks
   * reach neither the interrupted turn nor the turn streaming now.
   */
  @Test
  void callbacksAfterTheTurnWasSupersededAreIgnored() {
    try (EngineFixture f = new EngineFixture(ScriptedStateProvider.answering(BROM))) {
      f.llm.enqueue(EngineFixture.pausedSpeech("Halt! Who goes"));
      f.llm.enqueue(EngineFixture.pausedSpeech("Oh, it is you"));
      String first = f.session.interact("brom", f.event("Hello"));
      Call firstCall = f.llm.awaitCall(0);
      await().until(firstCall::paused);
      String second = f.session.interact("brom", f.event("It's me!"));
      TurnEvent interrupted = f.events.nextTerminal(first);
      await().until(firstCall::cancelled);
      Call secondCall = f.llm.awaitCall(1);
      await().until(secondCall::paused);

      assertThatCode(() -> lateCallbacks(firstCall.handler())).doesNotThrowAnyException();

      secondCall.release();
      assertThat(f.events.nextTerminal(second)).isInstanceOf(TurnEvent.Finished.class);
      assertThat(f.events.events(first)).last().isEqualTo(interrupted);
      assertThat(f.events.events(second)).filteredOn(TurnEvent.TagClose.class::isInstance)
          .map(e -> ((TurnEvent.TagClose) e).content()).containsExactly("Oh, it is you");
      assertThat(f.logs.records("ended")).hasSize(2);
      f.events.checker().assertAllEnded();
    }
  }

  /** Every kind of callback, a text that would make a whole tag, and null arguments among them. */
  private static void lateCallbacks(LlmStreamHandler late) {
    late.onText(" there?</speech><speech>Late.</speech>");
    late.onReasoning("hmm");
    late.onComplete(new LlmCompletion("stop", null));
    late.onError(new ServerErrorException("late failure", 500));
    late.onText(null);
    late.onComplete(null);
    late.onError(null);
  }

  private static String trace(List<TurnEvent> events) {
    return events.stream().map(e -> e instanceof TurnEvent.TagClose c
        ? "TagClose(" + c.content() + "," + (c.complete() ? "complete" : "incomplete") + ")"
        : e.getClass().getSimpleName()).collect(Collectors.joining(" "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faultyCollaborators")
  void faultyCollaboratorEndsTheTurnBeforeItStarts(String name, AgentEngine.Builder builder,
      AgentStateProvider provider, AtomicBoolean streamed) {
    try (AgentEngine engine = builder.build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, provider, recorder);

      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));

      TurnEvent.Finished finished = (TurnEvent.Finished) recorder.nextTerminal(turnId);
      assertThat(finished.error().code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(recorder.events(turnId)).containsExactly(finished);
      assertThat(streamed).isFalse();
      assertThat(session.activeTurnCount()).isZero();
      assertThat(session.history("brom")).hasSize(1);
    }
  }

  static Stream<Arguments> faultyCollaborators() {
    AtomicBoolean streamed1 = new AtomicBoolean();
    AtomicBoolean streamed2 = new AtomicBoolean();
    TokenCounter throwing = text -> {
      throw new IllegalStateException("counter bug");
    };
    return Stream.of(
        Arguments.of("token counter throws",
            AgentEngine.builder().llmClient(recordingStream(streamed1))
                .promptBuilder(PromptBuilder.builder().tokenCounter(throwing).build()),
            ScriptedStateProvider.answering(BROM), streamed1),
        Arguments.of("state provider returns null",
            AgentEngine.builder().llmClient(recordingStream(streamed2)),
            ScriptedStateProvider.using(request -> null), streamed2));
  }

  @ParameterizedTest(name = "model name {0}")
  @MethodSource("modelNames")
  void failingModelNameIsNotFatal(String name, LlmClient client, String model) {
    try (AgentEngine engine = AgentEngine.builder().llmClient(client).build()) {
      TurnRecorder recorder = new TurnRecorder();
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(BROM), recorder);

      String turnId = session.interact("brom", InteractionEvent.of("e-1", "player", "hi"));

      assertThat(recorder.next(TurnEvent.Started.class, turnId).model()).isEqualTo(model);
      assertThat(((TurnEvent.Finished) recorder.nextTerminal(turnId)).finishReason()).isEqualTo("stop");
    }
  }

  static Stream<Arguments> modelNames() {
    return Stream.of(
        Arguments.of("throws", new NamedClient() {
          @Override
          public String modelFor(LlmRequest request) {
            throw new IllegalStateException("bug");
          }
        }, "unknown"),
        Arguments.of("is null", new NamedClient() {
          @Override
          public String modelFor(LlmRequest request) {
            return null;
          }
        }, "instant"));
  }

  /** Answers at once; named {@code instant}. */
  private static class NamedClient implements LlmClient {
    @Override
    public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
      handler.onText("<speech>Hi.</speech>");
      handler.onComplete(new LlmCompletion("stop", null));
      return NO_OP;
    }

    @Override
    public String name() {
      return "instant";
    }
  }

  private static LlmClient recordingStream(AtomicBoolean streamed) {
    return (request, handler) -> {
      streamed.set(true);
      handler.onComplete(new LlmCompletion("stop", null));
      return NO_OP;
    };
  }

}
