package dev.gameagent.llm.internal;

import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.llm.LlmConfig;
import java.time.Duration;
import mockwebserver3.MockWebServer;

/** Shared set-up of the OpenAI client tests: a config aimed at a MockWebServer, a small request. */
final class OpenAiTestSupport {
  static final String KEY = "sk-test-SECRET0123456789abcdef";

  private OpenAiTestSupport() {}

  /** Generous timeouts and fast retries, so tests only wait where they mean to. */
  static LlmConfig.Builder config(MockWebServer server) {
    return LlmConfig.builder()
        .apiKey(KEY)
        .baseUrl(server.url("/v1").toString())
        .model("test-model")
        .firstTokenTimeout(Duration.ofSeconds(30))
        .idleTimeout(Duration.ofSeconds(30))
        .retryBaseDelay(Duration.ofMillis(1))
        .maxRetries(2);
  }

  static OpenAiClient client(LlmConfig config) {
    return (OpenAiClient) new OpenAiProvider().create(config);
  }

  /** Waits until OkHttp has finished with every call of {@code client}, so any late callback would have happened. */
  static void awaitIdle(OpenAiClient client) {
    await().atMost(Duration.ofSeconds(30)).until(() -> client.http().dispatcher().runningCallsCount() == 0);
  }

  static LlmRequest request() {
    return LlmRequest.builder()
        .addMessage(ChatMessage.system("You are Brom."))
        .addMessage(ChatMessage.user("Hello"))
        .build();
  }

  /** An OpenAI-shaped content chunk. */
  static String content(String text) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
        + quote(text) + "},\"finish_reason\":null}]}";
  }

  /** An OpenAI-shaped finish chunk. */
  static String finish(String reason) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\""
        + reason + "\"}]}";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
