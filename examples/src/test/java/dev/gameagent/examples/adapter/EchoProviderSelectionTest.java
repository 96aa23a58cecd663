package dev.gameagent.examples.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.LlmSettings;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnRecorder;
import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RoutingLlmClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The echo adapter plugged in the way a team plugs in its own: through agent-llm's SPI. */
class EchoProviderSelectionTest {

  @Test
  void llmClientsListsTheEchoProvider() {
    // Exactly: agent-llm's test-jar (the contract kit) must not register its own test providers here.
    assertThat(LlmClients.providerNames()).containsExactlyInAnyOrder("echo", "offline", "openai");
    assertThat(LlmClients.provider("ECHO")).containsInstanceOf(EchoLlmProvider.class);
  }

  @Test
  void llmProviderEchoMakesItTheDefault() {
    // What LLM_PROVIDER=echo does.
    LlmConfig config = LlmConfig.fromEnvironment(Map.of("LLM_PROVIDER", "echo", "LLM_OFFLINE_TOKENS_PER_SECOND", "0"));
    try (RoutingLlmClient llm = LlmClients.create(config)) {
      RecordingHandler handler = new RecordingHandler();

      llm.stream(EchoLlmClientTest.request("Who goes there?", null), handler);

      handler.awaitTerminal();
      assertThat(handler.text()).isEqualTo("<speech>You said: Who goes there?</speech>");
      assertThat(llm.name()).isEqualTo("echo");
      assertThat(llm.modelFor(EchoLlmClientTest.request("x", null))).isEqualTo("echo");
    }
  }

  @Test
  void requestNamingEchoIsRoutedToItWhateverTheDefault() {
    try (RoutingLlmClient llm = LlmClients.create(LlmConfig.builder().offlineTokensPerSecond(0).build())) {
      assertThat(llm.name()).isEqualTo("offline");
      LlmRequest request = EchoLlmClientTest.request("hi", null).newBuilder()
          .option(LlmRequest.OPTION_PROVIDER, "echo")
          .build();
      RecordingHandler handler = new RecordingHandler();

      llm.stream(request, handler);

      handler.awaitTerminal();
      assertThat(handler.text()).isEqualTo("<speech>You said: hi</speech>");
    }
  }

  @Test
  void providerRegisteredInCodeServesWithoutTheServicesFile() {
    // A game server that embeds its adapter can skip META-INF/services and pass the provider itself.
    EchoLlmProvider mine = new EchoLlmProvider();
    try (RoutingLlmClient llm = LlmClients.create(LlmConfig.builder().provider("echo").offlineTokensPerSecond(0).build(), mine)) {
      RecordingHandler handler = new RecordingHandler();

      llm.stream(EchoLlmClientTest.request("hello", null), handler);

      handler.awaitTerminal();
      assertThat(handler.text()).isEqualTo("<speech>You said: hello</speech>");
    }
  }

  @Test
  void specWithLlmProviderEchoIsAnsweredByEchoThroughTheEngine() {
    AgentSpec spec = AgentSpec.fromMap(Map.of("name", "Brom", "llm", Map.of("provider", "echo")));
    assertThat(spec.llm()).extracting(LlmSettings::provider).isEqualTo("echo");
    TurnRecorder turns = new TurnRecorder();
    try (RoutingLlmClient llm = LlmClients.create(LlmConfig.builder().offlineTokensPerSecond(0).build());
        AgentEngine engine = AgentEngine.builder().llmClient(llm).build()) {
      GameSession session = engine.openSession(null, ScriptedStateProvider.answering(spec), turns);

      String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Open the gate"));

      TurnEvent.Started started = turns.next(TurnEvent.Started.class, turnId);
      assertThat(started.model()).isEqualTo("echo");
      assertThat(turns.nextTerminal(turnId)).isInstanceOfSatisfying(TurnEvent.Finished.class,
          f -> assertThat(f.finishReason()).isEqualTo("stop"));
      List<TurnEvent> events = turns.events(turnId);
      assertThat(events).filteredOn(TurnEvent.TagClose.class::isInstance)
          .extracting(e -> ((TurnEvent.TagClose) e).content())
          .containsExactly("You said: Open the gate");

      session.confirmTurn("brom", turnId, List.of(new ConfirmedTag("speech", null, "You said: Open the gate")), false);
      assertThat(session.history("brom")).last().isEqualTo(
          new HistoryEntry.Turn(turnId, List.of(new ConfirmedTag("speech", null, "You said: Open the gate")), false));
    }
  }
}
