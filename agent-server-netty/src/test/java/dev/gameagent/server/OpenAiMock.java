package dev.gameagent.server;

import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RoutingLlmClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** MockWebServer as an OpenAI-compatible provider, and agent-llm's real adapter pointed at it. */
final class OpenAiMock implements AutoCloseable {
  static final String API_KEY = "sk-test-DO-NOT-LOG-4f9a2c";

  final MockWebServer server = new MockWebServer();
  final RoutingLlmClient client;

  OpenAiMock() {
    this(b -> b);
  }

  /** With adapter settings changed from the test defaults by {@code config}. */
  OpenAiMock(UnaryOperator<LlmConfig.Builder> config) {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = LlmClients.create(config.apply(LlmConfig.builder().baseUrl(server.url("/v1").toString()).apiKey(API_KEY)
        .model("mock-model")).build());
  }

  void enqueue(SseStream stream) {
    server.enqueue(stream.response());
  }

  /** The next request the mock received, as its body text. */
  String takeRequestBody() {
    try {
      RecordedRequest request = server.takeRequest(20, TimeUnit.SECONDS);
      if (request == null) {
        throw new AssertionError("no LLM request within 20 s");
      }
      return request.getBody().utf8();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws java.io.IOException {
    client.close();
    server.close();
  }
}
