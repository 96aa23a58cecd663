package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.llm.testing.LlmClientContract;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;

/**
 * The OpenAI-compatible client keeps the {@link LlmClient} contract against a fake server that
 * answers every request in several content chunks, and a request for an unknown model with 404.
 */
class OpenAiClientContractTest extends LlmClientContract {
  private static final String UNKNOWN_MODEL = "no-such-model";

  private final MockWebServer server = new MockWebServer();

  @Override
  protected LlmClient createClient() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        if (body.contains("\"" + UNKNOWN_MODEL + "\"")) {
          return new MockResponse.Builder().code(404).setHeader("Content-Type", "application/json")
              .body("{\"error\":{\"message\":\"The model `" + UNKNOWN_MODEL + "` does not exist\",\"code\":\"model_not_found\"}}")
              .build();
        }
        StringBuilder sse = new StringBuilder();
        for (String piece : new String[] {"<speech>", "Evening, ", "stranger. ", "State your business.", "</speech>"}) {
          sse.append("data: ").append(OpenAiTestSupport.content(piece)).append("\n\n");
        }
        sse.append("data: ").append(OpenAiTestSupport.finish("stop")).append("\n\ndata: [DONE]\n\n");
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream").body(sse.toString()).build();
      }
    });
    server.start();
    return OpenAiTestSupport.client(OpenAiTestSupport.config(server).build());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Override
  protected LlmRequest failingRequest() {
    return answerRequest().newBuilder().model(UNKNOWN_MODEL).build();
  }
}
