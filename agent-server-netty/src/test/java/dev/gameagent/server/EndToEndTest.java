package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the end-to-end tests: a server on a free loopback port, clients that register themselves,
 * and, after each test, core's turn order check on every frame each client received.
 */
abstract class EndToEndTest {
  /** A spec with the default output tags. */
  static final Map<String, Object> BROM = Map.of("name", "Brom", "role", "town guard");

  @TempDir Path logs;
  TestServer server;
  private final List<WsClient> clients = new ArrayList<>();

  void start(LlmClient llm) {
    start(llm, b -> b);
  }

  void start(LlmClient llm, UnaryOperator<ServerConfig.Builder> config) {
    server = TestServer.start(logs, llm, config);
  }

  void start(LlmClient llm, Clock clock) {
    server = TestServer.start(logs, llm, b -> b, clock);
  }

  /** A client whose {@code session_started} has been read. */
  WsClient connect() {
    return register(WsClient.connectStarted(server.ws()));
  }

  WsClient register(WsClient client) {
    clients.add(client);
    return client;
  }

  @AfterEach
  void checkTurnOrderAndStop() {
    try {
      for (WsClient client : clients) {
        client.close();
      }
      for (WsClient client : clients) {
        TurnFrames.assertValid(client.received());
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** Waits until the server's {@code /health} reports {@code n} sessions with a connection. */
  void awaitOpenSessions(int n) {
    await().atMost(Duration.ofSeconds(20)).until(() ->
        WsClient.JSON.readTree(server.get("/health").body()).path("open_sessions").asInt() == n);
  }

  /** Sends an interaction event for {@code agent} and returns its {@code get_agent_state}. */
  static JsonNode interact(WsClient client, String agent, String text, Object... eventFields) {
    Map<String, Object> event = new java.util.LinkedHashMap<>();
    event.put("kind", "player_said");
    event.put("source", "player");
    event.put("text", text);
    for (int i = 0; i < eventFields.length; i += 2) {
      event.put((String) eventFields[i], eventFields[i + 1]);
    }
    client.send("type", "interaction_event", "agent_id", agent, "event", event);
    JsonNode request = client.nextOfType("get_agent_state");
    assertThat(request.path("agent_id").asText()).isEqualTo(agent);
    return request;
  }

  /**
   * Starts a turn for {@code brom} whose model sends {@code speech} inside an open {@code <speech>}
   * tag and then never ends; returns the turn's {@code get_agent_state} once the first chunk arrived.
   */
  static JsonNode streamingTurn(WsClient client, ScriptedLlmClient llm, String text, String speech) {
    llm.enqueue(ScriptedLlmClient.Script.hanging("<speech>" + speech));
    JsonNode get = interact(client, "brom", text);
    answer(client, get, BROM);
    client.nextOfType("agent_tag_chunk");
    return get;
  }

  /** Answers a {@code get_agent_state} with {@code state}. */
  static void answer(WsClient client, JsonNode getAgentState, Map<String, Object> state) {
    client.send("type", "agent_state_snapshot", "agent_id", getAgentState.path("agent_id").asText(),
        "request_id", getAgentState.path("request_id").asText(), "state", state);
  }

  /** Reads one turn's messages after {@code agent_turn_started} through its terminal message. */
  static List<JsonNode> readTurn(WsClient client, String turnId) {
    List<JsonNode> turn = new ArrayList<>();
    while (true) {
      JsonNode n = client.nextMatching(f -> turnId.equals(f.path("turn_id").asText()) && f.path("type").asText()
          .startsWith("agent_"));
      turn.add(n);
      String type = n.path("type").asText();
      if (type.equals("agent_turn_finished") || type.equals("agent_turn_interrupted")) {
        return turn;
      }
    }
  }

  static List<String> types(List<JsonNode> frames) {
    return frames.stream().map(f -> f.path("type").asText()).toList();
  }
}
