package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

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
    // At the limit even an event for a busy agent is refused, and nothing of it is applied.
    c.send("type", "interaction_event", "agent_id", "brom", "event", Map.of("text", "Stop!"));
    assertThat(c.next("error").path("code").asText()).isEqualTo("limit_exceeded");
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
    // The refused events asked for no state: odo's only request is the one of the accepted event.
    assertThat(c.received()).filteredOn(f -> f.path("type").asText().equals("get_agent_state")
        && !f.path("agent_id").asText().equals("mira")).extracting(f -> f.path("turn_id").asText())
        .containsExactly(streaming.path("turn_id").asText(), odo.path("turn_id").asText());
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
