package dev.gameagent.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.InvalidRequestException;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.llm.internal.OfflineProvider;
import dev.gameagent.llm.internal.OpenAiProvider;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** The SPI and the routing client: discovery, default provider, routing by request option, lifecycle. */
class LlmClientsTest {
  private static final LlmConfig NOTHING = LlmConfig.builder().build();

  private static LlmRequest request(String provider, String text) {
    LlmRequest.Builder b = LlmRequest.builder().addMessage(ChatMessage.user(text));
    if (provider != null) {
      b.option(LlmRequest.OPTION_PROVIDER, provider);
    }
    return b.build();
  }

  @Test
  void serviceLoaderFindsTheBuiltInProvidersAndACustomOne() {
    assertThat(LlmClients.providerNames()).containsExactly("offline", "openai", "scripted");
    assertThat(LlmClients.provider("openai")).get().isInstanceOf(OpenAiProvider.class);
    assertThat(LlmClients.provider(" OFFLINE ")).get().isInstanceOf(OfflineProvider.class);
    assertThat(LlmClients.provider("scripted")).get().isInstanceOf(ScriptedProvider.class);
    assertThat(LlmClients.provider("nope")).isEmpty();
  }

  @Test
  void defaultProviderPrecedence() {
    assertThat(LlmClients.defaultProvider(NOTHING)).isEqualTo("offline");
    assertThat(LlmClients.isOffline(NOTHING)).isTrue();
    assertThat(LlmClients.defaultProvider(LlmConfig.builder().apiKey("sk-x").build())).isEqualTo("openai");
    assertThat(LlmClients.defaultProvider(LlmConfig.builder().baseUrl("http://localhost:11434/v1").build())).isEqualTo("openai");
    assertThat(LlmClients.defaultProvider(LlmConfig.builder().apiKey("sk-x").provider("Offline").build())).isEqualTo("offline");
    assertThat(LlmClients.isOffline(LlmConfig.builder().apiKey("sk-x").build())).isFalse();
  }

  @Test
  void describeSaysWhatAnswersWithoutShowingTheKey() {
    assertThat(LlmClients.describe(NOTHING)).isEqualTo("offline default model");
    assertThat(LlmClients.describe(LlmConfig.builder().apiKey("sk-SECRET-0123456789").model("gpt-4.1").build()))
        .isEqualTo("openai-compatible at https://api.openai.com/v1 model gpt-4.1");
    assertThat(LlmClients.describe(LlmConfig.builder().baseUrl("http://localhost:11434/v1").model("llama3.2").build()))
        .isEqualTo("openai-compatible at http://localhost:11434/v1 model llama3.2 (no API key)");
    assertThat(LlmClients.describe(LlmConfig.builder().provider("scripted").build())).isEqualTo("provider scripted");
  }

  @Test
  void routesByRequestOptionElseTheDefault() {
    try (RoutingLlmClient client = LlmClients.create(NOTHING)) {
      RecordingHandler scripted = new RecordingHandler();
      RecordingHandler offline = new RecordingHandler();

      client.stream(request(" Scripted", "Hello"), scripted);
      client.stream(request(null, "Hello"), offline);

      assertThat(scripted.awaitComplete().finishReason()).isEqualTo("stop");
      assertThat(scripted.text()).isEqualTo("<speech>scripted: Hello</speech>");
      assertThat(offline.awaitComplete().usage()).isNotNull();
      assertThat(offline.text()).contains("<speech>").doesNotContain("scripted");
      assertThat(client.name()).isEqualTo("offline");
      assertThat(client.modelFor(request(null, "x"))).isEqualTo("offline");
      assertThat(client.providerFor(request("OpenAI", "x"))).isEqualTo("openai");
    }
  }

  @Test
  void defaultsToOpenAiWhenABaseUrlIsConfigured() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new SseBody().data(
          "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"<speech>remote</speech>\"},\"finish_reason\":\"stop\"}]}", "[DONE]").response());
      server.start();
      LlmConfig config = LlmConfig.builder().baseUrl(server.url("/v1").toString()).model("local-model").build();
      try (RoutingLlmClient client = LlmClients.create(config)) {
        RecordingHandler h = new RecordingHandler();

        client.stream(request(null, "Hello"), h);

        assertThat(h.awaitComplete().finishReason()).isEqualTo("stop");
        assertThat(h.text()).isEqualTo("<speech>remote</speech>");
        assertThat(client.modelFor(request(null, "x"))).isEqualTo("local-model");
        RecordedRequest sent = server.takeRequest(10, TimeUnit.SECONDS);
        assertThat(sent.getHeaders().get("Authorization")).isNull();
      }
    }
  }

  @Test
  void unknownProviderFailsThroughOnErrorOnAnotherThreadListingKnownNames() {
    try (RoutingLlmClient client = LlmClients.create(NOTHING)) {
      AtomicReference<String> thread = new AtomicReference<>();
      RecordingHandler h = new RecordingHandler();

      client.stream(request("claude-direct", "Hello"), new LlmStreamHandler() {
        @Override
        public void onComplete(LlmCompletion completion) {
          h.onComplete(completion);
        }

        @Override
        public void onError(LlmException error) {
          thread.set(Thread.currentThread().getName());
          h.onError(error);
        }
      });

      LlmException e = h.awaitError();
      assertThat(e).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("claude-direct").hasMessageContaining("offline, openai, scripted");
      assertThat(thread.get()).isNotEqualTo(Thread.currentThread().getName());
      assertThat(client.modelFor(request("claude-direct", "x"))).isEqualTo("claude-direct");
    }
  }

  @Test
  void unknownDefaultProviderIsRefusedWhenTheClientIsCreated() {
    // A mistyped LLM_PROVIDER in an embedding game server fails at start-up, not on every turn.
    assertThatThrownBy(() -> LlmClients.create(LlmConfig.builder().provider("typo").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"typo\"").hasMessageContaining("LLM_PROVIDER").hasMessageContaining("offline, openai");
    assertThatThrownBy(() -> LlmClients.create(LlmConfig.builder().provider("echo").build(), new ScriptedProvider()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"echo\"");
  }

  @Test
  void createsEachProvidersClientOnceLazilyAndClosesIt() {
    int createdBefore = ScriptedProvider.created.get();
    int closedBefore = ScriptedProvider.closed.get();
    RoutingLlmClient client = LlmClients.create(NOTHING);
    assertThat(ScriptedProvider.created.get()).isEqualTo(createdBefore);

    for (int i = 0; i < 3; i++) {
      RecordingHandler h = new RecordingHandler();
      client.stream(request("scripted", "n" + i), h);
      h.awaitComplete();
    }
    assertThat(ScriptedProvider.created.get()).isEqualTo(createdBefore + 1);

    client.close();
    assertThat(ScriptedProvider.closed.get()).isEqualTo(closedBefore + 1);
    assertThatThrownBy(() -> client.stream(request("scripted", "late"), new RecordingHandler()))
        .isInstanceOf(IllegalStateException.class);
    client.close();
  }

  @Test
  void providersRegisteredInCodeJoinAndReplaceDiscoveredOnes() {
    LlmProvider echo = new LlmProvider() {
      @Override
      public String name() {
        return "OFFLINE";
      }

      @Override
      public dev.gameagent.core.llm.LlmClient create(LlmConfig config) {
        return (request, handler) -> {
          handler.onText("<speech>in code</speech>");
          handler.onComplete(new LlmCompletion("stop", null));
          return () -> { };
        };
      }
    };
    try (RoutingLlmClient client = LlmClients.create(NOTHING, echo)) {
      RecordingHandler h = new RecordingHandler();

      client.stream(request(null, "Hello"), h);

      h.awaitComplete();
      assertThat(h.text()).isEqualTo("<speech>in code</speech>");
      assertThat(client.providerNames()).containsExactly("offline", "openai", "scripted");
    }
  }

  @Test
  void providerMapIsKeyedByLowerCaseName() {
    Map<String, LlmProvider> providers = LlmClients.providers();

    assertThat(providers.get("scripted").name()).isEqualTo("Scripted");
  }
}
