package dev.gameagent.core;

import dev.gameagent.core.testing.RecordingLogStore;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An engine with the defaults, wired to test doubles: a scripted LLM, a state provider (manual unless
 * given), a recorder, a log store, and a {@link ManualScheduler}, so a state timeout happens only when
 * a test fires it ({@link #timer}) and never races the test's own answers.
 */
final class EngineFixture implements AutoCloseable {
  static final AgentSpec BROM = AgentSpec.builder("Brom").field("role", "town guard").build();
  static final AgentSpec BROM_WITH_TOOLS = BROM.newBuilder()
      .tools(List.of(new ToolSpec("check_inventory", "Look up an item", Map.of())))
      .build();

  final ScriptedLlmClient llm = new ScriptedLlmClient();
  final ScriptedStateProvider state;
  final TurnRecorder events = new TurnRecorder();
  final RecordingLogStore logs = new RecordingLogStore();
  final ManualScheduler timer = new ManualScheduler();
  final AgentEngine engine;
  final GameSession session;

  EngineFixture() {
    this(ScriptedStateProvider.manual());
  }

  EngineFixture(ScriptedStateProvider state) {
    this(state, builder -> builder);
  }

  /** @param config changes the engine's settings from the defaults */
  EngineFixture(ScriptedStateProvider state, UnaryOperator<AgentEngine.Builder> config) {
    this.state = state;
    this.engine = config.apply(AgentEngine.builder().llmClient(llm).logStore(logs).scheduler(timer)).build();
    this.session = engine.openSession("s-test", state, events);
  }

  InteractionEvent event(String text) {
    return InteractionEvent.of(session.newEventId(), "player", text);
  }

  InteractionEvent event(String text, OnBusy onBusy) {
    InteractionEvent e = event(text);
    return new InteractionEvent(e.eventId(), e.kind(), e.source(), e.target(), e.text(), e.timestamp(), onBusy, e.data());
  }

  /** A turn of brom's that is streaming: its id and its LLM call. */
  record Streaming(String turnId, ScriptedLlmClient.Call call) {}

  /** Starts a turn for brom that plays {@code script}, answers its state with {@link #BROM}, waits for its call. */
  Streaming startStreaming(InteractionEvent event, ScriptedLlmClient.Script script) {
    int index = llm.callCount();
    llm.enqueue(script);
    String turnId = session.interact("brom", event);
    answerState(BROM);
    return new Streaming(turnId, llm.awaitCall(index));
  }

  /** A speech that stops after {@code text} until released, then closes and completes. */
  static ScriptedLlmClient.Script pausedSpeech(String text) {
    return ScriptedLlmClient.Script.builder().text("<speech>" + text).pause().text("</speech>").complete("stop", null).build();
  }

  /** Answers the next state request with {@code spec} and returns the request. */
  StateRequest answerState(AgentSpec spec) {
    ScriptedStateProvider.Pending pending = state.next();
    pending.answer(spec);
    return pending.request();
  }

  @Override
  public void close() {
    session.shutdown();
    engine.close();
    timer.shutdownNow();
    llm.close();
    events.checker().assertValid();
  }
}
