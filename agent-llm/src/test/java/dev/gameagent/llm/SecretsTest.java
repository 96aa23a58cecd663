package dev.gameagent.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API key and the values of extra headers never show: not in any log line at DEBUG (ours or
 * OkHttp's), not in an exception's message or its causes' messages, not in a toString.
 */
class SecretsTest {
  private static final String KEY = "sk-proj-VERYSECRET0123456789";
  private static final String HEADER_SECRET = "azure-HEADERSECRET-42";

  private final MockWebServer server = new MockWebServer();
  private final List<String> shown = new ArrayList<>();
  private LogCapture logs;
  private RoutingLlmClient client;

  @BeforeEach
  void start() throws Exception {
    logs = new LogCapture();
    server.start();
    LlmConfig config = LlmConfig.builder()
        .apiKey(KEY)
        .baseUrl(server.url("/v1").toString())
        .extraHeaders(Map.of("api-key", HEADER_SECRET))
        .retryBaseDelay(Duration.ofMillis(1))
        .maxRetries(1)
        .build();
    client = LlmClients.create(config);
    shown.add(config.toString());
    shown.add(client.toString());
    shown.add(LlmClients.describe(config));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    logs.close();
  }

  private static String chunk(String text) {
    return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}";
  }

  /** Streams one request and records what the handler and the call show. */
  private RecordingHandler stream() {
    RecordingHandler h = new RecordingHandler();
    LlmCall call = client.stream(LlmRequest.builder().addMessage(ChatMessage.user("Hello")).build(), h);
    h.awaitTerminal();
    shown.add(call.toString());
    for (RecordingHandler.Event e : h.events()) {
      shown.add(e.toString());
      for (Throwable t = e.error(); t != null; t = t.getCause()) {
        shown.add(t.toString());
      }
    }
    return h;
  }

  @Test
  void keyAndHeaderValuesNeverShowInLogsErrorsOrToString() {
    // A clean answer.
    server.enqueue(new SseBody().data(chunk("<speech>Hi</speech>"),
        "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}", "[DONE]").response());
    // A rejected key, echoed back by the provider.
    server.enqueue(new MockResponse.Builder().code(401).setHeader("Content-Type", "application/json")
        .body("{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + " (" + HEADER_SECRET + ")\"}}").build());
    // A server error naming the key, retried, then a malformed chunk that holds it.
    server.enqueue(new MockResponse.Builder().code(500).body("upstream saw Bearer " + KEY).build());
    server.enqueue(new SseBody().data("{\"choices\": " + KEY + "}").response());
    // An error object in the stream, and a non-stream answer, both naming the key.
    server.enqueue(new SseBody().data(chunk("<speech>A"), "{\"error\":{\"message\":\"key " + KEY + " revoked\",\"code\":403}}").response());
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html").body("<p>" + KEY + "</p>").build());

    assertThat(stream().text()).isEqualTo("<speech>Hi</speech>");
    for (int i = 0; i < 4; i++) {
      assertThat(stream().events()).last().extracting(RecordingHandler.Event::kind).isEqualTo("error");
    }

    List<String> lines = logs.lines();
    assertThat(lines).as("DEBUG lines were captured").anyMatch(l -> l.startsWith("DEBUG") && l.contains("LLM stream to"));
    assertThat(lines).as("the retry was logged").anyMatch(l -> l.contains("retry 1 of 1"));
    shown.addAll(lines);
    assertThat(shown).noneMatch(s -> s.contains(KEY) || s.contains("VERYSECRET") || s.contains(HEADER_SECRET));
  }

  @Test
  void credentialsInAnUnusableBaseUrlNeverShow() {
    // java.net.URI accepts the port, OkHttp's HttpUrl does not: the openai client cannot be made.
    LlmConfig config = LlmConfig.builder().baseUrl("http://npc:pw-URLSECRET@localhost:99999/v1").build();
    try (RoutingLlmClient unusable = LlmClients.create(config)) {
      RecordingHandler h = new RecordingHandler();
      unusable.stream(LlmRequest.builder().addMessage(ChatMessage.user("Hello")).build(), h);

      assertThat(h.awaitError()).hasMessageContaining("cannot be used").hasMessageContaining("localhost:99999")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("URLSECRET"));
    }
    assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains("URLSECRET"));
  }
}
