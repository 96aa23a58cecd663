package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.protocol.ProtocolCodec;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code limit_exceeded} for turns: too many at once in a session, or a client too far behind on reading. */
class TurnLimitsTest extends EndToEndTest {
  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void closeLlm() {
    llm.close();
  }

  @Test
  void aSessionHasAtMostTheConfiguredNumberOfTurnsAtOnce() {
    // Only a snapshot or a cancel ends the waiting turn: its state timeout is never reached.
    start(llm, b -> b.maxTurnsPerSession(2).stateTimeout(Duration.ofMinutes(10)));
    WsClient c = connect();
    JsonNode streaming = streamingTurn(c, llm, "Talk to me", "Well");
    JsonNode waiting = interact(c, "mira", "Hello Mira");

    c.send("type", "interaction_event", "agent_id", "odo", "event", Map.of("text", "Hello Odo"));
    JsonNode refused = c.next("error");
    assertThat(refused.path("code").asText()).isEqualTo("limit_exceeded");
    assertThat(refused.path("in_reply_to").asText()).isEqualTo("interaction_event");
    assertThat(refused.path("agent_id").asText()).isEqualTo("odo");
    assertThat(refused.path("message").asText()).contains("2 turns");
    c.assertAlive("nothing-started");

    // A turn that ends makes room.
    c.send("type", "cancel_turn", "agent_id", "brom");
    assertThat(c.nextOfType("agent_turn_interrupted").path("turn_id").asText())
        .isEqualTo(streaming.path("turn_id").asText());
    JsonNode odo = interact(c, "odo", "Hello again, Odo");
    answer(c, odo, Map.of("name", "Odo"));
    assertThat(c.nextOfType("agent_turn_finished").path("turn_id").asText()).isEqualTo(odo.path("turn_id").asText());
    answer(c, waiting, Map.of("name", "Mira"));
    assertThat(c.nextOfType("agent_turn_finished").path("turn_id").asText())
        .isEqualTo(waiting.path("turn_id").asText());
    // The refused event asked for no state: odo's only request is the one of the accepted event.
    assertThat(c.received()).filteredOn(f -> f.path("type").asText().equals("get_agent_state")
        && !f.path("agent_id").asText().equals("mira")).extracting(f -> f.path("turn_id").asText())
        .containsExactly(streaming.path("turn_id").asText(), odo.path("turn_id").asText());
  }

  @Test
  void atTheTurnLimitAnEventForABusyAgentReplacesQueuesOrDropsButANewTurnIsRefused() {
    start(llm, b -> b.maxTurnsPerSession(2).stateTimeout(Duration.ofMinutes(10)));
    WsClient c = connect();
    JsonNode streaming = streamingTurn(c, llm, "Talk to me", "Well");
    JsonNode waiting = interact(c, "mira", "Hello Mira");

    // Brom's new event supersedes his turn: still two turns at once.
    c.send("type", "interaction_event", "agent_id", "brom", "event", Map.of("event_id", "e-stop", "text", "Stop!"));
    JsonNode interrupted = c.next("agent_turn_interrupted");
    assertThat(interrupted.path("turn_id").asText()).isEqualTo(streaming.path("turn_id").asText());
    assertThat(interrupted.path("reason").asText()).isEqualTo("superseded");
    assertThat(interrupted.path("by_event_id").asText()).isEqualTo("e-stop");
    JsonNode replacing = c.next("get_agent_state");
    assertThat(replacing.path("agent_id").asText()).isEqualTo("brom");
    assertThat(replacing.path("event_id").asText()).isEqualTo("e-stop");
    // Mira, waiting for her state, takes an event to drop and one to queue, without a frame.
    c.send("type", "interaction_event", "agent_id", "mira",
        "event", Map.of("event_id", "e-drop", "text", "Psst", "on_busy", "drop"));
    c.send("type", "interaction_event", "agent_id", "mira",
        "event", Map.of("event_id", "e-queue", "text", "Later, Mira", "on_busy", "queue"));
    c.assertAlive("replaced-dropped-queued");
    // An agent without a turn would add a third.
    c.send("type", "interaction_event", "agent_id", "odo", "event", Map.of("text", "Hello Odo"));
    JsonNode refused = c.next("error");
    assertThat(refused.path("code").asText()).isEqualTo("limit_exceeded");
    assertThat(refused.path("agent_id").asText()).isEqualTo("odo");
    assertThat(server.server.activeTurnCount()).isEqualTo(2);

    answer(c, replacing, BROM);
    assertThat(c.nextOfType("agent_turn_finished").path("turn_id").asText())
        .isEqualTo(replacing.path("turn_id").asText());
    // Mira's queued event starts as her turn ends.
    answer(c, waiting, Map.of("name", "Mira"));
    JsonNode queued = c.nextOfType("get_agent_state");
    assertThat(queued.path("agent_id").asText()).isEqualTo("mira");
    assertThat(queued.path("event_id").asText()).isEqualTo("e-queue");
    answer(c, queued, Map.of("name", "Mira"));
    assertThat(c.nextOfType("agent_turn_finished").path("turn_id").asText()).isEqualTo(queued.path("turn_id").asText());
  }

  @Test
  void atTheTurnLimitToolResultsContinueOnlyInPlaceOfTheAgentsOwnTurn() {
    start(llm, b -> b.maxTurnsPerSession(1).stateTimeout(Duration.ofMinutes(10)));
    WsClient c = connect();
    Map<String, Object> spec = Map.of("name", "Brom", "tools", List.of(Map.of("name", "check_inventory")));
    String toolCall = "<tool_call name=\"check_inventory\">{\"item\":\"key\"}</tool_call>";
    llm.enqueue(ScriptedLlmClient.Script.of(toolCall));
    JsonNode get = interact(c, "brom", "Do you have the key?");
    answer(c, get, spec);
    String first = get.path("turn_id").asText();
    assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("tool_calls");
    llm.enqueue(ScriptedLlmClient.Script.hanging("<speech>Hm"));
    JsonNode mira = interact(c, "mira", "Hello Mira");
    answer(c, mira, Map.of("name", "Mira"));
    c.nextOfType("agent_tag_chunk");

    // Brom has no turn: a continuation would be a second one. Nothing of the results is recorded.
    List<Map<String, Object>> results = List.of(Map.of("call_id", first + ".c1", "output", Map.of("found", true)));
    c.send("type", "tool_results", "agent_id", "brom", "turn_id", first, "results", results);
    JsonNode refused = c.next("error");
    assertThat(refused.path("code").asText()).isEqualTo("limit_exceeded");
    assertThat(refused.path("in_reply_to").asText()).isEqualTo("tool_results");
    assertThat(refused.path("turn_id").asText()).isEqualTo(first);

    // Once there is room the same results are accepted (not a duplicate) and continue the turn.
    c.send("type", "cancel_turn", "agent_id", "mira");
    assertThat(c.nextOfType("agent_turn_interrupted").path("agent_id").asText()).isEqualTo("mira");
    llm.enqueue(ScriptedLlmClient.Script.hanging(toolCall));
    c.send("type", "tool_results", "agent_id", "brom", "turn_id", first, "results", results);
    JsonNode continuation = c.next("get_agent_state");
    assertThat(continuation.path("event_id").asText()).isEqualTo(get.path("event_id").asText());
    answer(c, continuation, spec);
    String second = continuation.path("turn_id").asText();
    JsonNode secondCall = c.nextMatching(f -> f.path("type").asText().equals("agent_tag_close")
        && f.path("tag").asText().equals("tool_call"));
    assertThat(secondCall.path("turn_id").asText()).isEqualTo(second);

    // At the limit again, results for Brom's streaming turn replace it with the next continuation.
    c.send("type", "tool_results", "agent_id", "brom", "turn_id", second, "results",
        List.of(Map.of("call_id", second + ".c1", "output", Map.of("found", true))));
    JsonNode cancelled = c.next("agent_turn_interrupted");
    assertThat(cancelled.path("turn_id").asText()).isEqualTo(second);
    assertThat(cancelled.path("reason").asText()).isEqualTo("cancelled");
    JsonNode third = c.next("get_agent_state");
    assertThat(third.path("turn_id").asText()).isNotIn(first, second);
    answer(c, third, spec);
    List<JsonNode> thirdTurn = readTurn(c, third.path("turn_id").asText());
    assertThat(thirdTurn.get(0).path("cause").asText()).isEqualTo("tool_results");
    assertThat(thirdTurn.get(thirdTurn.size() - 1).path("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void aClientFarBehindOnReadingGetsNoNewTurn() throws Exception {
    ServerConfig config = ServerConfig.newBuilder().logsDir(logs).maxQueuedBytes(256 * 1024).build();
    FileLogStore logStore = new FileLogStore(logs, Clock.systemUTC());
    AgentEngine engine = AgentEngine.builder().llmClient(llm).logStore(logStore).build();
    ServerContext context = new ServerContext(config, ProtocolCodec.newBuilder().build(), engine, logStore,
        Clock.systemUTC());
    // An embedded channel writes only when its tasks are run: until then everything sent stays queued.
    EmbeddedChannel channel = new EmbeddedChannel();
    try {
      Connection connection = new Connection(context, channel);
      connection.open(null);
      String bigId = "p".repeat(40_000);
      for (int i = 0; i < 4; i++) {
        connection.onText("{\"type\":\"ping\",\"id\":\"" + bigId + "\"}");
      }
      // 160 KB waiting: over half the 256 KB cap, under the cap.
      assertThat(connection.outbound().queuedBytes()).isBetween(128L * 1024, 256L * 1024);
      connection.onText("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Hi\"}}");
      assertThat(engine.activeTurnCount()).isZero();

      // Each pong waits for a flush of the logs: the log writer's thread hands it, and the error
      // queued behind it, to the channel. Run before that, the channel would have nothing to write.
      await().atMost(Duration.ofSeconds(20)).until(() -> !connection.outbound().isHolding());
      channel.runPendingTasks();
      List<String> types = new ArrayList<>();
      JsonNode last = null;
      for (TextWebSocketFrame frame; (frame = channel.readOutbound()) != null; ) {
        last = WsClient.JSON.readTree(frame.text());
        types.add(last.path("type").asText());
        frame.release();
      }
      assertThat(types).containsExactly("session_started", "pong", "pong", "pong", "pong", "error");
      assertThat(last.path("code").asText()).isEqualTo("limit_exceeded");
      assertThat(last.path("agent_id").asText()).isEqualTo("brom");
      assertThat(last.path("message").asText()).contains("not reading fast enough");
      assertThat(channel.isOpen()).isTrue();

      // Caught up: the next event starts its turn.
      connection.onText("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"Hi\"}}");
      assertThat(engine.activeTurnCount()).isEqualTo(1);
    } finally {
      channel.finishAndReleaseAll();
      engine.close();
      context.close();
      logStore.close();
    }
  }
}
