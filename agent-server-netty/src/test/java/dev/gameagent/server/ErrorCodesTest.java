package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.testing.ScriptedLlmClient;
import java.util.Map;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Error codes a game meets end to end, each from its trigger, with the fields the contract gives it. */
class ErrorCodesTest extends EndToEndTest {
  private final ScriptedLlmClient llm = new ScriptedLlmClient();
  private final OpenAiMock mock = new OpenAiMock();

  @AfterEach
  void closeModels() throws Exception {
    llm.close();
    mock.close();
  }

  @Test
  void providerRateLimitIsLlmErrorWithStatus429() {
    start(mock.client);
    WsClient c = connect();
    // Retries included: the provider keeps refusing.
    for (int i = 0; i < 5; i++) {
      mock.server.enqueue(new MockResponse.Builder().code(429).addHeader("retry-after-ms", "1")
          .body("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\"}}").build());
    }
    JsonNode get = interact(c, "brom", "Hello?");
    answer(c, get, BROM);
    JsonNode finished = c.nextOfType("agent_turn_finished");
    assertThat(finished.path("turn_id").asText()).isEqualTo(get.path("turn_id").asText());
    assertThat(finished.path("finish_reason").asText()).isEqualTo("error");
    assertThat(finished.path("error").path("code").asText()).isEqualTo("llm_error");
    assertThat(finished.path("error").path("status").asInt()).isEqualTo(429);
    assertThat(finished.path("error").path("message").asText()).isNotBlank();
    assertThat(finished.path("rejected").isArray()).isTrue();
    assertThat(finished.path("timing").path("total_ms").isNumber()).isTrue();
    c.assertAlive("after-429");
  }

  @Test
  void internalFailureEndsTheTurnWithoutLeakingTheCause() {
    start(new LlmClient() {
      @Override
      public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
        throw new IllegalStateException("secret detail\n\tat dev.gameagent.Hidden.method(Hidden.java:1)");
      }

      @Override
      public String name() {
        return "broken";
      }
    });
    WsClient c = connect();
    JsonNode get = interact(c, "brom", "Hello?");
    answer(c, get, BROM);
    JsonNode finished = c.nextOfType("agent_turn_finished");
    assertThat(finished.path("finish_reason").asText()).isEqualTo("error");
    assertThat(finished.path("error").path("code").asText()).isEqualTo("internal");
    assertThat(finished.path("error").path("message").asText()).isNotBlank().doesNotContain("secret detail")
        .doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("Hidden");
    assertThat(finished.toString()).doesNotContain("secret detail").doesNotContain("IllegalStateException");
    c.assertAlive("after-internal");
  }

  @Test
  void errorAnsweringASnapshotNamesItsAgentAndRequestId() {
    start(llm);
    WsClient c = connect();
    c.send("type", "agent_state_snapshot", "agent_id", "brom", "request_id", "r-9", "state", Map.of("name", 5));
    JsonNode error = c.next("error");
    assertThat(error.path("code").asText()).isEqualTo("invalid_field");
    assertThat(error.path("in_reply_to").asText()).isEqualTo("agent_state_snapshot");
    assertThat(error.path("agent_id").asText()).isEqualTo("brom");
    assertThat(error.path("request_id").asText()).isEqualTo("r-9");
    assertThat(error.path("message").asText()).contains("state.name");
    c.assertAlive("after-bad-snapshot");
  }
}
