package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Invariant 5: bad input gets its error and disturbs neither the other agents nor the other connections. */
class IsolationTest extends EndToEndTest {
  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void closeLlm() {
    llm.close();
  }

  @Test
  void badInputDisturbsNoOtherAgentTurnOrConnection() {
    // Only the snapshot can start b's turn: its state timeout is never reached.
    start(llm, b -> b.stateTimeout(Duration.ofMinutes(10)));
    WsClient noisy = connect();
    WsClient quiet = connect();
    // a streams on the noisy connection, b waits for its state there, a streams on the quiet one too.
    llm.enqueue(Script.builder().text("<speech>Noisy A").pause().text(" ends.</speech>").complete("stop", null).build());
    JsonNode a = interact(noisy, "a", "Hi A");
    answer(noisy, a, Map.of("name", "A"));
    noisy.nextOfType("agent_tag_chunk");
    llm.enqueue(Script.builder().text("<speech>Quiet A").pause().text(" ends.</speech>").complete("stop", null).build());
    JsonNode quietA = interact(quiet, "a", "Hi quiet A");
    answer(quiet, quietA, Map.of("name", "A"));
    quiet.nextOfType("agent_tag_chunk");
    JsonNode b = interact(noisy, "b", "Hi B");

    int i = 0;
    for (MalformedMessagesTest.Case bad : MalformedMessagesTest.CASES) {
      noisy.send(bad.message());
      assertThat(noisy.next("error").path("code").asText()).as(bad.message()).isEqualTo(bad.code());
      noisy.assertAlive("bad-" + i++);
    }
    noisy.sendBinary(new byte[] {0, 1});
    assertThat(noisy.next("error").path("code").asText()).isEqualTo("unsupported_frame");
    // Bad messages naming the busy agents' own turn and state request change nothing for them.
    noisy.send("type", "agent_turn_result", "agent_id", "a", "turn_id", a.path("turn_id").asText(), "tags", "none");
    assertThat(noisy.next("error").path("code").asText()).isEqualTo("invalid_field");
    noisy.send("type", "agent_state_snapshot", "agent_id", "b", "request_id", b.path("request_id").asText(),
        "state", Map.of("name", List.of("not", "a", "name")));
    assertThat(noisy.next("error").path("code").asText()).isEqualTo("invalid_field");
    noisy.assertAlive("after-the-noise");

    // Every turn carries on: b's state request is still open, both a's finish their stream.
    answer(noisy, b, Map.of("name", "B"));
    assertThat(noisy.nextOfType("agent_turn_started").path("turn_id").asText()).isEqualTo(b.path("turn_id").asText());
    llm.awaitCall(0).release();
    llm.awaitCall(1).release();
    for (WsClient c : List.of(noisy, noisy, quiet)) {
      assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("stop");
    }
    assertThat(noisy.received()).noneMatch(f -> f.path("type").asText().equals("agent_turn_interrupted"));
    assertThat(quiet.received()).noneMatch(f -> f.path("type").asText().equals("agent_turn_interrupted")
        || f.path("type").asText().equals("error"));
    quiet.assertAlive("quiet-still-fine");
  }
}
