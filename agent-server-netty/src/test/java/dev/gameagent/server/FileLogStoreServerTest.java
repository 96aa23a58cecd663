package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.testing.ScriptedLlmClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over a log writer the test holds back, as a disk far behind would: what the game is
 * told waits for the disk, and what cannot wait is refused, never dropped.
 */
class FileLogStoreServerTest {
  private static final OkHttpClient HTTP = new OkHttpClient();

  @TempDir Path logs;
  private final CountDownLatch disk = new CountDownLatch(1);
  private final ScriptedLlmClient llm = new ScriptedLlmClient();
  private AgentServer server;
  private WsClient client;

  @AfterEach
  void close() {
    disk.countDown();
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    llm.close();
  }

  @Test
  void aTurnsTerminalMessageAndAPongWaitUntilItsRecordsAreWritten() throws Exception {
    start(1000);
    turnToItsLastTag();
    client.send("type", "ping", "id", "synced?");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
        .until(() -> types().stream().noneMatch(t -> t.equals("agent_turn_finished") || t.equals("pong")));

    disk.countDown();
    // The ping may have been read before the turn ended: then its pong comes first, which is as right.
    client.nextOfType("agent_turn_finished");
    // Read the moment the terminal message arrived: the turn's whole record is already there.
    // (The spec is logged by the event loop while the turn goes on elsewhere: its place may vary.)
    assertThat(agentRecordTypes()).containsExactlyInAnyOrder("history", "agent_spec", "llm_request", "turn_ended");
    if (types().stream().noneMatch("pong"::equals)) {
      client.next("pong");
    }
    assertThat(types()).containsOnlyOnce("pong");
  }

  @Test
  void whileTheLogsAreBehindNewTurnsAndNotificationsAreRefusedAndTheTurnResultIsKept() throws Exception {
    start(1);
    String turnId = turnToItsLastTag();
    // The turn's end is recorded, then its terminal message handed over on the model's thread: sent
    // before that, the notification's error could go out first, which is as right, but not this test.
    await().atMost(Duration.ofSeconds(10)).until(() -> server.context().sessions().owners().stream()
        .anyMatch(connection -> connection.outbound().isHolding()));

    client.send("type", "notification_event", "agent_id", "brom", "event", Map.of("text", "Thunder."));
    client.send("type", "interaction_event", "agent_id", "brom", "event", Map.of("text", "Let me in!"));
    client.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", turnId,
        "buffer", "<speech>Halt!</speech>");
    // The turn's four records and its result's wait; the refused messages added none.
    await().atMost(Duration.ofSeconds(20)).until(() -> health().path("log_records_queued").asInt() == 5);

    disk.countDown();
    // Everything after the held terminal message waited with it, in order.
    client.next("agent_turn_finished");
    JsonNode notification = client.next("error");
    assertThat(notification.path("code").asText()).isEqualTo("limit_exceeded");
    assertThat(notification.path("in_reply_to").asText()).isEqualTo("notification_event");
    assertThat(notification.path("message").asText()).contains("behind the disk", "send it again later");
    JsonNode interaction = client.next("error");
    assertThat(interaction.path("code").asText()).isEqualTo("limit_exceeded");
    assertThat(interaction.path("in_reply_to").asText()).isEqualTo("interaction_event");

    client.assertAlive("caught up");
    assertThat(health().path("log_records_queued").asInt()).isZero();
    assertThat(health().path("log_records_dropped").asInt()).isZero();
    assertThat(EndToEndTest.interact(client, "brom", "Let me in!").path("type").asText()).isEqualTo("get_agent_state");
    assertThat(Files.readString(agentFile(), StandardCharsets.UTF_8)).contains("\"kind\":\"turn\"")
        .doesNotContain("Thunder.");
  }

  /**
   * Runs a turn for brom up to its last tag, which is not held back, and lets it end; returns its
   * turn id. The model waits after that tag until the game has it: the event loop logs the
   * snapshot's spec after handing the state to the turn, and writes the tag only after that, so the
   * spec's record comes before the turn's end and the flush its terminal message waits for. Ended
   * earlier, the turn's terminal message could overtake the spec's record.
   */
  private String turnToItsLastTag() {
    llm.enqueue(ScriptedLlmClient.Script.builder().text("<speech>Halt!</speech>").pause().complete("stop", null)
        .build());
    JsonNode get = EndToEndTest.interact(client, "brom", "Hello, guard!");
    EndToEndTest.answer(client, get, EndToEndTest.BROM);
    assertThat(client.nextOfType("agent_tag_close").path("content").asText()).isEqualTo("Halt!");
    llm.awaitCall(0).release();
    return get.path("turn_id").asText();
  }

  private JsonNode health() throws Exception {
    Request request = new Request.Builder().url("http://127.0.0.1:" + server.port() + "/health").build();
    try (Response response = HTTP.newCall(request).execute()) {
      return LogRecords.JSON.readTree(response.body().string());
    }
  }

  private void start(int behindRecords) {
    ServerConfig config = ServerConfig.newBuilder().host("127.0.0.1").port(0).logsDir(logs).build();
    server = AgentServer.newBuilder().config(config).llmClient(llm)
        .logWriter(behindRecords, task -> new Thread(() -> {
          try {
            disk.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          task.run();
        }))
        .build().start();
    client = WsClient.connect(server.webSocketUrl());
    // Sent before any record: session_started waits for nothing.
    client.next("session_started");
  }

  private List<String> types() {
    return client.received().stream().map(n -> n.path("type").asText()).toList();
  }

  private Path agentFile() throws Exception {
    try (var files = Files.walk(logs)) {
      return files.filter(p -> p.toString().endsWith(".jsonl") && !p.endsWith(FileLogStore.SESSION_FILE))
          .findFirst().orElseThrow();
    }
  }

  private List<String> agentRecordTypes() throws Exception {
    List<String> types = new ArrayList<>();
    for (String line : Files.readAllLines(agentFile(), StandardCharsets.UTF_8)) {
      types.add(LogRecords.JSON.readTree(line).path("type").asText());
    }
    return types;
  }
}
