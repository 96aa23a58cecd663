package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.KEY;
import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.content;
import static dev.gameagent.llm.internal.OpenAiTestSupport.finish;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What goes on the wire: the JSON body and the headers of a streaming chat completion request. */
class OpenAiRequestTest {
  private final MockWebServer server = new MockWebServer();
  private OpenAiClient client;

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private RecordedRequest send(LlmConfig config, LlmRequest request) throws Exception {
    server.enqueue(new SseBody().data(content("<speech>ok</speech>"), finish("stop"), "[DONE]").response());
    client = OpenAiTestSupport.client(config);
    RecordingHandler handler = new RecordingHandler();
    client.stream(request, handler);
    handler.awaitComplete();
    return server.takeRequest(10, TimeUnit.SECONDS);
  }

  private static JsonNode json(RecordedRequest r) throws Exception {
    return new ObjectMapper().readTree(r.getBody().utf8());
  }

  private static LlmRequest.Builder fullRequest() {
    return LlmRequest.builder()
        .addMessage(ChatMessage.system("You are Brom, a guard."))
        .addMessage(ChatMessage.user("Hello \"guard\" <3"))
        .addMessage(ChatMessage.assistant("<speech>Halt.</speech>"))
        .temperature(0.7)
        .maxTokens(300)
        .stop(List.of("</answer>"))
        .option(LlmRequest.OPTION_PROVIDER, "openai")
        .option(LlmRequest.OPTION_ACTIVE_EVENT, InteractionEvent.of("e1", "player", "Hello"))
        .option("custom_secret", "do-not-send");
  }

  @Test
  void bodyCarriesMessagesAndParametersButNeverTheOptions() throws Exception {
    RecordedRequest r = send(config(server).build(), fullRequest().build());

    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    JsonNode body = json(r);
    assertThat(body.get("model").asText()).isEqualTo("test-model");
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(300);
    assertThat(body.has("max_completion_tokens")).isFalse();
    assertThat(body.get("stop").toString()).isEqualTo("[\"</answer>\"]");
    assertThat(body.get("messages").toString()).isEqualTo(
        "[{\"role\":\"system\",\"content\":\"You are Brom, a guard.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello \\\"guard\\\" <3\"},"
            + "{\"role\":\"assistant\",\"content\":\"<speech>Halt.</speech>\"}]");
    List<String> fields = new java.util.ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyInAnyOrder("model", "messages", "stream", "stream_options", "temperature", "max_tokens", "stop");
    assertThat(r.getBody().utf8()).doesNotContain("do-not-send").doesNotContain("active_event");
  }

  @Test
  void headersCarryTheBearerKeyAndExtraHeaders() throws Exception {
    RecordedRequest r = send(config(server)
        .extraHeaders(Map.of("HTTP-Referer", "https://game.example", "X-Title", "My Game"))
        .build(), fullRequest().build());

    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(r.getHeaders().get("Accept")).isEqualTo("text/event-stream");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(r.getHeaders().get("HTTP-Referer")).isEqualTo("https://game.example");
    assertThat(r.getHeaders().get("X-Title")).isEqualTo("My Game");
  }

  @Test
  void noAuthorizationHeaderWithoutAKey() throws Exception {
    RecordedRequest r = send(config(server).apiKey(null).build(), fullRequest().build());

    assertThat(r.getHeaders().get("Authorization")).isNull();
  }

  @Test
  void reasoningModelSendsMaxCompletionTokensAndNoTemperature() throws Exception {
    JsonNode body = json(send(config(server).reasoningModel(true).build(), fullRequest().build()));

    assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(300);
    assertThat(body.has("max_tokens")).isFalse();
    assertThat(body.has("temperature")).isFalse();
  }

  @Test
  void includeUsageCanBeTurnedOff() throws Exception {
    JsonNode body = json(send(config(server).includeUsage(false).build(), fullRequest().build()));

    assertThat(body.has("stream_options")).isFalse();
  }

  @Test
  void modelPrecedenceIsRequestThenStreamModelThenModelThenDefault() throws Exception {
    LlmRequest noModel = fullRequest().build();
    assertThat(json(send(config(server).model("base").streamModel("streaming").build(), fullRequest().model("spec-model").build()))
        .get("model").asText()).isEqualTo("spec-model");
    client.close();
    assertThat(json(send(config(server).model("base").streamModel("streaming").build(), noModel)).get("model").asText())
        .isEqualTo("streaming");
    client.close();
    assertThat(json(send(config(server).model(null).build(), noModel)).get("model").asText())
        .isEqualTo(LlmConfig.DEFAULT_MODEL);
    assertThat(client.modelFor(noModel)).isEqualTo(LlmConfig.DEFAULT_MODEL);
  }

  @Test
  void configDefaultsFillWhatTheRequestLeavesOut() throws Exception {
    LlmRequest bare = LlmRequest.builder().addMessage(ChatMessage.user("hi")).build();

    JsonNode body = json(send(config(server).temperature(0.2).maxTokens(64).build(), bare));

    assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
    assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
    assertThat(body.has("stop")).isFalse();
  }

  @Test
  void baseUrlWithTrailingSlashOrFullPathIsAccepted() throws Exception {
    RecordedRequest r = send(config(server).baseUrl(server.url("/api/v1/").toString()).build(), fullRequest().build());
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/v1/chat/completions");
    client.close();

    r = send(config(server).baseUrl(server.url("/x/chat/completions").toString()).build(), fullRequest().build());
    assertThat(r.getUrl().encodedPath()).isEqualTo("/x/chat/completions");
  }
}
