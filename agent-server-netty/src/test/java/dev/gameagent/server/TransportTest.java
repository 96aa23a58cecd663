package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.testing.ScriptedLlmClient;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The WebSocket and HTTP rules of protocol v1, end to end over loopback. */
class TransportTest extends EndToEndTest {

  @Test
  void sessionStartedIsTheFirstMessage() {
    start(new SilentLlm());
    try (WsClient client = WsClient.connect(server.ws())) {
      JsonNode started = client.next("session_started");
      assertThat(started.path("session_id").asText()).hasSizeGreaterThanOrEqualTo(22);
      assertThat(started.path("protocol_version").asInt()).isEqualTo(1);
      assertThat(started.path("server").path("name").asText()).isEqualTo("game-agent");
      assertThat(started.path("server").path("version").asText()).isNotBlank().doesNotContain("${");
      assertThat(started.path("resumed").asBoolean()).isFalse();
      client.assertAlive("p1");
    }
  }

  @Test
  void pingIsAnsweredWithPongCarryingIdAndServerTime() {
    start(new SilentLlm());
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      long before = System.currentTimeMillis();
      client.send("{\"type\":\"ping\",\"id\":7}");
      JsonNode pong = client.next("pong");
      assertThat(pong.path("id").isNumber()).isTrue();
      assertThat(pong.path("id").asInt()).isEqualTo(7);
      assertThat(pong.path("server_time_ms").asLong()).isGreaterThanOrEqualTo(before - 1000);
      client.send("{\"type\":\"ping\"}");
      assertThat(client.next("pong").has("id")).isFalse();
    }
  }

  @Test
  void healthReportsStatusVersionUptimeSessionsAndTurns() throws Exception {
    start(new SilentLlm());
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      TestServer.HttpResult health = server.get("/health");
      assertThat(health.status()).isEqualTo(200);
      JsonNode body = WsClient.JSON.readTree(health.body());
      assertThat(body.path("status").asText()).isEqualTo("ok");
      assertThat(body.path("version").asText()).isNotBlank();
      assertThat(body.path("uptime_ms").isNumber()).isTrue();
      assertThat(body.path("open_sessions").asInt()).isEqualTo(1);
      assertThat(body.path("active_turns").asInt()).isZero();
      assertThat(body.path("stored_sessions").asInt()).isEqualTo(1);
      assertThat(body.path("log_records_dropped").isNumber()).isTrue();
      assertThat(body.path("log_records_dropped").asLong()).isZero();
      client.assertAlive("health");
    }
    assertThat(server.get("/elsewhere").status()).isEqualTo(404);
    assertThat(server.get("/").status()).isEqualTo(404);
  }

  @Test
  void healthAnswersGetAndHeadOnlyAndTheUpgradeIsServedAtExactlyWs() {
    start(new SilentLlm());
    TestServer.HttpResult head = server.request("HEAD", "/health");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(server.request("POST", "/health").status()).isEqualTo(405);
    assertThat(server.request("DELETE", "/health").status()).isEqualTo(405);
    assertThat(server.get("/ws/more").status()).isEqualTo(404);
    assertThat(server.get("/health/").status()).isEqualTo(404);
    try (WsClient more = WsClient.connect(server.ws().replace("/ws", "/ws/more"))) {
      assertThat(more.awaitFailureStatus()).isEqualTo(404);
    }
    try (WsClient query = WsClient.connectStarted(server.ws("game=demo&session_id=slot-1"))) {
      query.assertAlive("query");
    }
  }

  @Test
  void tokenIsRequiredWhenConfigured() {
    start(new SilentLlm(), b -> b.token("s3cret"));
    try (WsClient none = WsClient.connect(server.ws())) {
      assertThat(none.awaitFailureStatus()).isEqualTo(401);
    }
    try (WsClient wrong = WsClient.connect(server.ws(), Map.of("Authorization", "Bearer nope"))) {
      assertThat(wrong.awaitFailureStatus()).isEqualTo(401);
    }
    try (WsClient wrongQuery = WsClient.connect(server.ws("token=s3cre"))) {
      assertThat(wrongQuery.awaitFailureStatus()).isEqualTo(401);
    }
    try (WsClient header = WsClient.connect(server.ws(), Map.of("Authorization", "Bearer s3cret"))) {
      header.next("session_started");
      header.assertAlive("h");
    }
    try (WsClient query = WsClient.connect(server.ws("token=s3cret"))) {
      query.next("session_started");
      query.assertAlive("q");
    }
    // Health stays open: load balancers probe it without the secret.
    assertThat(server.get("/health").status()).isEqualTo(200);
  }

  @Test
  void binaryFrameIsAnErrorAndTheConnectionStays() {
    start(new SilentLlm());
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      client.sendBinary(new byte[] {1, 2, 3});
      JsonNode error = client.next("error");
      assertThat(error.path("code").asText()).isEqualTo("unsupported_frame");
      client.assertAlive("after-binary");
    }
  }

  @Test
  void invalidUtf8IsInvalidJsonAndTheConnectionStays() throws Exception {
    start(new SilentLlm());
    try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
      assertThat(WsClient.JSON.readTree(raw.readText().text()).path("type").asText()).isEqualTo("session_started");
      raw.sendFrame(RawWebSocket.TEXT, true, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      JsonNode error = WsClient.JSON.readTree(raw.readText().text());
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.path("code").asText()).isEqualTo("invalid_json");
      assertThat(error.path("message").asText()).contains("UTF-8");
      // A multi-byte character split across fragments is fine once joined.
      byte[] snowman = "{\"type\":\"ping\",\"id\":\"\u2603\"}".getBytes(StandardCharsets.UTF_8);
      int cut = 20;
      raw.sendFrame(RawWebSocket.TEXT, false, java.util.Arrays.copyOfRange(snowman, 0, cut));
      raw.sendFrame(RawWebSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(snowman, cut, snowman.length));
      JsonNode pong = WsClient.JSON.readTree(raw.readText().text());
      assertThat(pong.path("type").asText()).isEqualTo("pong");
      assertThat(pong.path("id").asText()).isEqualTo("\u2603");
    }
  }

  @Test
  void protocolViolationClosesWith1002AndIsNoServerError() throws Exception {
    Logger handlerLog = (Logger) LoggerFactory.getLogger(WebSocketFrameHandler.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    handlerLog.addAppender(captured);
    try {
      start(new SilentLlm());
      try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
        raw.readText();
        // A client frame must be masked; this one is not.
        raw.sendRaw(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
        RawWebSocket.Frame close = raw.readText();
        assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1002);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> List.copyOf(captured.list).stream()
          .anyMatch(e -> e.getFormattedMessage().contains("protocol violation")));
      assertThat(List.copyOf(captured.list)).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .allMatch(e -> e.getThrowableProxy() == null);
    } finally {
      handlerLog.detachAppender(captured);
    }
  }

  @Test
  void oversizedSingleFrameClosesWith1009() {
    start(new SilentLlm(), b -> b.maxMessageBytes(4096));
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      client.send("{\"type\":\"ping\",\"id\":\"" + "x".repeat(5000) + "\"}");
      assertThat(client.awaitEnd()).isEqualTo(1009);
    }
  }

  @Test
  void oversizedMessageInSmallFragmentsClosesWith1009() throws Exception {
    start(new SilentLlm(), b -> b.maxMessageBytes(4096));
    try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
      raw.readText();
      byte[] part = new byte[1500];
      java.util.Arrays.fill(part, (byte) 'x');
      raw.sendFrame(RawWebSocket.TEXT, false, part);
      raw.sendFrame(RawWebSocket.CONTINUATION, false, part);
      raw.sendFrame(RawWebSocket.CONTINUATION, false, part);
      raw.sendFrame(RawWebSocket.CONTINUATION, true, part);
      RawWebSocket.Frame close = raw.readText();
      assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1009);
    }
  }

  @Test
  void compressedMessageOverTheLimitOnceInflatedClosesWith1009() throws Exception {
    start(new SilentLlm(), b -> b.maxMessageBytes(4096).compression(true));
    try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws",
        "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
      raw.readText();
      // Small on the wire, 10 KB once inflated.
      byte[] ping = ("{\"type\":\"ping\",\"id\":\"" + "x".repeat(10_000) + "\"}").getBytes(StandardCharsets.UTF_8);
      raw.sendFrame(RawWebSocket.TEXT, true, true, RawWebSocket.deflate(ping));
      RawWebSocket.Frame close = raw.readText();
      assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
      assertThat(close.closeCode()).isEqualTo(1009);
    }
  }

  @Test
  void messageJustUnderTheLimitIsAccepted() {
    start(new SilentLlm(), b -> b.maxMessageBytes(4096));
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      String prefix = "{\"type\":\"ping\",\"id\":\"";
      String id = "y".repeat(4096 - prefix.length() - 2);
      client.send(prefix + id + "\"}");
      assertThat(client.next("pong").path("id").asText()).isEqualTo(id);
    }
  }

  @Test
  void silentConnectionIsClosedAfterTheIdleTimeout() {
    start(new SilentLlm(), b -> b.idleTimeout(Duration.ofMillis(300)).pingInterval(Duration.ofHours(1)));
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      assertThat(client.awaitEnd()).isEqualTo(1001);
      assertThat(client.closeReason()).isEqualTo("idle timeout");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> server.server.activeTurnCount() == 0
        && WsClient.JSON.readTree(server.get("/health").body()).path("open_sessions").asInt() == 0);
  }

  @Test
  void idleCloseCancelsTheConnectionsTurnUpstream() throws Exception {
    ScriptedLlmClient llm = new ScriptedLlmClient();
    try {
      start(llm, b -> b.idleTimeout(Duration.ofSeconds(2)));
      llm.enqueue(ScriptedLlmClient.Script.hanging("<speech>Once upon a time"));
      // A bare client: it answers no ping, so after the snapshot nothing more arrives from it.
      try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
        raw.readText();
        raw.sendText("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"text\":\"A story?\"}}");
        JsonNode get = WsClient.JSON.readTree(raw.readText().text());
        assertThat(get.path("type").asText()).isEqualTo("get_agent_state");
        raw.sendText("{\"type\":\"agent_state_snapshot\",\"agent_id\":\"brom\",\"request_id\":\""
            + get.path("request_id").asText() + "\",\"state\":{\"name\":\"Brom\"}}");
        RawWebSocket.Frame frame;
        while ((frame = raw.readText()).opcode() != RawWebSocket.CLOSE) {
          // the turn's messages
        }
        assertThat(frame.closeCode()).isEqualTo(1001);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> llm.awaitCall(0).cancelled());
      await().atMost(Duration.ofSeconds(20)).until(() -> server.server.activeTurnCount() == 0);
    } finally {
      llm.close();
    }
  }

  @Test
  void connectionThatNeverCompletesItsHandshakeIsClosed() throws Exception {
    start(new SilentLlm(), b -> b.handshakeTimeout(Duration.ofMillis(300)).idleTimeout(Duration.ofHours(1)));
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(20_000);
      // The upgrade request's headers never end.
      socket.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(socket.getInputStream().read()).as("end of stream: the server closed").isEqualTo(-1);
    }
  }

  @Test
  void serverPingsAnIdleClient() throws Exception {
    start(new SilentLlm(), b -> b.pingInterval(Duration.ofMillis(100)));
    try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
      raw.readText();
      RawWebSocket.Frame frame = raw.read();
      assertThat(frame.opcode()).isEqualTo(RawWebSocket.PING);
    }
  }

  @Test
  void clientThatOnlyListensWhileTheServerStreamsIsPingedAndKeptOpen() {
    // The model writes more often than the ping interval for longer than the idle timeout: pings must
    // still go out, or the client's pongs never come and a live connection is closed as idle. (A 2 s
    // margin between ping and timeout, so a stalled CI host does not close it either: 7 s of words.)
    ScriptedLlmClient llm = new ScriptedLlmClient();
    try {
      start(llm, b -> b.pingInterval(Duration.ofMillis(400)).idleTimeout(Duration.ofMillis(2500)));
      ScriptedLlmClient.Script.Builder script = ScriptedLlmClient.Script.builder().text("<speech>");
      for (int i = 0; i < 140; i++) {
        script.delay(Duration.ofMillis(50)).text("word" + i + " ");
      }
      llm.enqueue(script.text("</speech>").complete("stop", null).build());
      WsClient c = connect();
      JsonNode get = interact(c, "brom", "Tell me everything");
      answer(c, get, BROM);
      JsonNode finished = c.nextOfType("agent_turn_finished");
      assertThat(finished.path("finish_reason").asText()).isEqualTo("stop");
      assertThat(c.closeCode()).isEqualTo(-1);
      c.assertAlive("after-long-stream");
    } finally {
      llm.close();
    }
  }

  @Test
  void unknownFieldsAreIgnoredAndCamelCaseSpellingsAccepted() {
    ScriptedLlmClient llm = new ScriptedLlmClient();
    try {
      start(llm);
      WsClient c = connect();
      llm.enqueue(ScriptedLlmClient.Script.of("<speech>Aye.</speech>"));
      c.send("{\"type\":\"interaction_event\",\"agentId\":\"brom\",\"futureField\":[1,2],"
          + "\"event\":{\"eventId\":\"e-camel\",\"text\":\"Hi\",\"onBusy\":\"queue\"}}");
      JsonNode get = c.next("get_agent_state");
      assertThat(get.path("event_id").asText()).isEqualTo("e-camel");
      String turnId = get.path("turn_id").asText();
      c.send("{\"type\":\"agent_state_snapshot\",\"agentId\":\"brom\",\"requestId\":\""
          + get.path("request_id").asText() + "\",\"sentAt\":123,\"state\":{\"name\":\"Brom\",\"worldState\":"
          + "{\"weather\":\"rain\"},\"historyLimit\":5}}");
      assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("stop");
      assertThat(llm.requests().get(0).messages().get(0).content()).contains("rain");
      c.send("{\"type\":\"agent_turn_result\",\"agentId\":\"brom\",\"turnId\":\"" + turnId
          + "\",\"tags\":[{\"tag\":\"speech\",\"content\":\"Aye.\",\"confidence\":1}],\"extra\":true}");
      // Accepted: the same result again is now a duplicate, named with the camelCase ids.
      c.send("{\"type\":\"agent_turn_result\",\"agentId\":\"brom\",\"turnId\":\"" + turnId
          + "\",\"tags\":[]}");
      JsonNode duplicate = c.next("error");
      assertThat(duplicate.path("code").asText()).isEqualTo("duplicate_turn_result");
      assertThat(duplicate.path("agent_id").asText()).isEqualTo("brom");
      assertThat(duplicate.path("turn_id").asText()).isEqualTo(turnId);
      c.send("{\"type\":\"ping\",\"id\":\"x\",\"unknown\":{\"deep\":[true]}}");
      assertThat(c.next("pong").path("id").asText()).isEqualTo("x");
    } finally {
      llm.close();
    }
  }

  @Test
  void newSessionIdsAre128RandomBits() {
    start(new SilentLlm());
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 5; i++) {
      try (WsClient client = WsClient.connect(server.ws())) {
        String id = client.next("session_started").path("session_id").asText();
        // 128 bits as 32 hex digits.
        assertThat(id).matches("[0-9a-f]{32}");
        ids.add(id);
      }
    }
    assertThat(ids).hasSize(5);
  }

  @Test
  void compressionCanBeNegotiated() throws Exception {
    start(new SilentLlm(), b -> b.compression(true));
    // OkHttp offers permessage-deflate; every message must still arrive intact.
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      String id = "z".repeat(10_000);
      client.send("type", "ping", "id", id);
      assertThat(client.next("pong").path("id").asText()).isEqualTo(id);
    }
  }

  @Test
  void floodingClientIsRateLimitedAndKeepsItsConnection() {
    start(new SilentLlm(), b -> b.rateLimit(1));
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      for (int i = 0; i < 30; i++) {
        client.send("type", "ping", "id", "flood-" + i);
      }
      JsonNode limited = client.nextMatching(n -> n.path("type").asText().equals("error"));
      assertThat(limited.path("code").asText()).isEqualTo("rate_limited");
      // Tokens come back with time; the connection was never closed.
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        client.send("type", "ping", "id", "later");
        return client.nextMatching(n -> n.path("type").asText().equals("pong") || n.path("code").asText()
            .equals("rate_limited")).path("id").asText().equals("later");
      });
    }
  }

  @Test
  void floodOfBadFramesIsRateLimitedToo() {
    start(new SilentLlm(), b -> b.rateLimit(1));
    try (WsClient client = WsClient.connectStarted(server.ws())) {
      for (int i = 0; i < 10; i++) {
        client.sendBinary(new byte[] {(byte) i});
      }
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        codes.add(client.next("error").path("code").asText());
      }
      // A burst of twice the rate is answered; the rest of the flood only gets rate_limited.
      assertThat(codes).startsWith("unsupported_frame", "unsupported_frame").contains("rate_limited");
    }
  }

  @Test
  void malformedSessionIdIsRefusedBeforeTheUpgrade() {
    start(new SilentLlm());
    try (WsClient client = WsClient.connect(server.ws("session_id=" + "s".repeat(129)))) {
      assertThat(client.awaitFailureStatus()).isEqualTo(400);
    }
    assertThat(server.get("/ws/deeper").status()).isEqualTo(404);
  }

  /** 128 characters as for an agent id: code points, so a save slot named in emoji is one character each. */
  @Test
  void aSessionIdOf128CharactersOutsideTheBmpIsAccepted() {
    start(new SilentLlm());
    String slot = "\uD83D\uDEE1".repeat(128);
    try (WsClient client = WsClient.connect(server.ws("session_id="
        + URLEncoder.encode(slot, StandardCharsets.UTF_8)))) {
      assertThat(client.next("session_started").path("session_id").asText()).isEqualTo(slot);
      client.assertAlive("emoji");
    }
    try (WsClient client = WsClient.connect(server.ws("session_id="
        + URLEncoder.encode(slot + "\uD83D\uDEE1", StandardCharsets.UTF_8)))) {
      assertThat(client.awaitFailureStatus()).isEqualTo(400);
    }
  }
}
