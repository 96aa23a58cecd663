package dev.gameagent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One abusive game for {@link ChaosTest}: on one thread, for a bounded number of operations drawn
 * from its own seeded {@link Random}, it plays a few sessions over WebSocket connections it keeps
 * replacing (abrupt disconnects, resumes, takeovers, messages over the size limit), sends every
 * client message in valid, late, duplicate, unknown and malformed forms, and answers
 * {@code get_agent_state} at once, late, with a wrong request id, or never.
 *
 * <p>Every connection it opened, with the close codes it may end with, is kept in {@link #links()}
 * and every raw-socket exchange in {@link #rawTranscripts()}, for the test's checks afterwards.
 * Confined to its thread.
 */
final class ChaosPlayer {
  static final List<String> AGENTS = List.of("a0", "a1", "a2", "a3");
  private static final List<String> ON_BUSY = List.of("interrupt", "queue", "drop");
  static final Map<String, Object> SPEC = Map.of("name", "Brom", "role", "town guard",
      "tools", List.of(Map.of("name", "check_inventory", "description", "Look up an item",
          "parameters", Map.of("type", "object", "properties", Map.of("item", Map.of("type", "string"))))));
  /**
   * Messages that are wrong in every way a game script gets them wrong; each must get an {@code error}
   * whatever the session's state (a number is read as text, so {@code "tag":5} would not do).
   */
  static final List<String> MALFORMED = List.of(
      "{", "", "[]", "\"ping\"", "null", "42", "{\"type\":null}", "{\"type\":42}", "{\"type\":\"no_such_type\"}",
      "{\"no_type\":true}", "{\"type\":\"interaction_event\"}",
      "{\"type\":\"interaction_event\",\"agent_id\":5,\"event\":{}}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"\",\"event\":{}}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"a\\u0001b\",\"event\":{}}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"a0\",\"event\":\"hello\"}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"a0\",\"event\":{\"on_busy\":\"explode\"}}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"a0\",\"event\":{\"timestamp\":\"not a time\"}}",
      "{\"type\":\"notification_event\",\"agent_ids\":[],\"event\":{}}",
      "{\"type\":\"notification_event\",\"agent_ids\":\"a0\",\"event\":{}}",
      "{\"type\":\"agent_state_snapshot\",\"agent_id\":\"a0\",\"state\":[]}",
      "{\"type\":\"agent_state_snapshot\",\"agent_id\":\"a0\",\"state\":{\"name\":42,\"output_tags\":\"speech\"}}",
      "{\"type\":\"agent_turn_result\",\"agent_id\":\"a0\",\"turn_id\":7,\"tags\":\"x\"}",
      "{\"type\":\"agent_turn_result\",\"agent_id\":\"a0\",\"turn_id\":\"t-1\"}",
      "{\"type\":\"agent_turn_result\",\"agent_id\":\"a0\",\"turn_id\":\"t-1\",\"tags\":[{\"tag\":true}]}",
      "{\"type\":\"tool_results\",\"agent_id\":\"a0\",\"turn_id\":\"t-1\",\"results\":{}}",
      "{\"type\":\"tool_results\",\"agent_id\":\"a0\",\"turn_id\":\"t-1\",\"results\":[{\"output\":1}]}",
      "{\"type\":\"cancel_turn\",\"agent_id\":[\"a0\"]}", "{\"type\":\"reset_agent\"}",
      "{\"type\":\"ping\",\"id\":1e999999999}", "{\"type\":\"ping\",\"id\":NaN}",
      "{\"type\":\"ping\",\"type\":\"reset_agent\"}",
      "[".repeat(5000) + "]".repeat(5000));
  /** Odd messages a server may accept or refuse; either way with no harm done. */
  static final List<String> ODD = List.of(
      "{\"type\":\"interaction_event\",\"agent_id\":\"a0\",\"event\":{\"timestamp\":1e300,\"on_busy\":\"drop\"}}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"a0\",\"event\":{\"text\":[1,2],\"on_busy\":\"drop\"}}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"a1\",\"event\":{\"ts\":-99999999999999999999,\"on_busy\":\"drop\"}}",
      "{\"type\":\"agent_state_snapshot\",\"agent_id\":\"a0\",\"state\":{\"name\":\"B\",\"history_limit\":-5}}",
      "{\"type\":\"agent_state_snapshot\",\"agent_id\":\"a2\",\"state\":{\"name\":\"B\",\"output_tags\":[{\"name\":\"\"}]}}",
      "{\"type\":\"ping\",\"id\":\"\\ud800\"}",
      "{\"type\":\"ping\",\"id\":{\"nested\":[1,{\"deep\":true}]}}",
      "{\"type\":\"cancel_turn\",\"agent_id\":\"never-seen\",\"turn_id\":\"t-1\"}",
      "{\"type\":\"reset_agent\",\"agent_id\":\"never-seen\"}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"" + "x".repeat(128) + "\",\"event\":{\"on_busy\":\"drop\"}}",
      "{\"type\":\"interaction_event\",\"agent_id\":\"" + "x".repeat(129) + "\",\"event\":{}}");

  /**
   * One WebSocket connection this player opened: once retired (replaced on purpose), the close codes
   * it may end with (-1: none); the ids of the pings sent on it, and of those sent right after a
   * malformed message, whose pong must come after that message's {@code error}.
   */
  static final class Link {
    final WsClient client;
    final List<String> pings = new ArrayList<>();
    final List<String> pingsAfterMalformed = new ArrayList<>();
    Set<Integer> allowedCloseCodes = Set.of();
    boolean retired;

    Link(WsClient client) {
      this.client = client;
    }
  }

  /** A session this player plays, on its current connection, with what it knows of its turns. */
  private static final class Game {
    WsClient client;
    String sessionId;
    final List<JsonNode> deferredStates = new ArrayList<>();
    final Map<String, String> turnAgents = new LinkedHashMap<>();
    final Map<String, List<String>> toolCalls = new LinkedHashMap<>();
    final List<String> confirmed = new ArrayList<>();
  }

  private final TestServer server;
  private final Random random;
  private final String name;
  private final List<Game> games = new ArrayList<>();
  private final List<Link> links = new ArrayList<>();
  private final List<List<String>> rawTranscripts = new ArrayList<>();
  private int counter;

  ChaosPlayer(TestServer server, long seed, String name) {
    this.server = server;
    this.random = new Random(seed);
    this.name = name;
  }

  List<Link> links() {
    return links;
  }

  List<List<String>> rawTranscripts() {
    return rawTranscripts;
  }

  /** Plays {@code operations} operations. */
  void play(int operations) throws IOException {
    for (int i = 0; i < 2; i++) {
      Game game = new Game();
      game.client = open(server.ws(), false);
      game.sessionId = game.client.received().get(0).path("session_id").asText();
      games.add(game);
    }
    // One stalled reader per run is enough, and each costs seconds.
    int stallAt = name.equals("p0") ? random.nextInt(operations) : -1;
    for (int op = 0; op < operations; op++) {
      if (op == stallAt) {
        stalledReader();
      }
      Game game = games.get(random.nextInt(games.size()));
      react(game);
      act(game, random.nextInt(100));
    }
    for (Game game : games) {
      react(game);
    }
  }

  /** Handles what the server sent since the last look: state requests, tool calls. */
  private void react(Game game) {
    for (JsonNode m = game.client.poll(); m != null; m = game.client.poll()) {
      String type = m.path("type").asText();
      String turnId = m.path("turn_id").asText(null);
      if (turnId != null && m.has("agent_id")) {
        game.turnAgents.putIfAbsent(turnId, m.path("agent_id").asText());
      }
      switch (type) {
        case "get_agent_state" -> {
          int draw = random.nextInt(100);
          if (draw < 65) {
            answer(game, m, m.path("request_id").asText());
          } else if (draw < 80) {
            game.deferredStates.add(m);
          } else if (draw < 85) {
            answer(game, m, "r-wrong-" + counter++);
          } else if (draw < 88) {
            // The right request id for the wrong agent: an unsolicited snapshot for that agent.
            send(game, "type", "agent_state_snapshot", "agent_id", agent(), "request_id", m.path("request_id").asText(),
                "state", SPEC);
          } // else: never answered; the state timeout ends or serves the turn.
        }
        case "agent_tag_open" -> {
          if (m.path("tag").asText().equals("tool_call")) {
            game.toolCalls.computeIfAbsent(turnId, t -> new ArrayList<>()).add(m.path("attributes").path("call_id").asText());
          }
        }
        case "agent_turn_finished" -> {
          if (m.path("finish_reason").asText().equals("tool_calls") && random.nextInt(100) < 60) {
            sendToolResults(game, turnId);
          }
        }
        default -> { }
      }
    }
  }

  private void act(Game game, int draw) throws IOException {
    if (draw < 28) {
      interact(game);
    } else if (draw < 33) {
      send(game, "type", "notification_event", random.nextBoolean() ? "agent_ids" : "agentIds",
          List.of(agent(), agent()), "event", Map.of("kind", "weather", "text", "It starts to rain."));
    } else if (draw < 36) {
      send(game, "type", "agent_state_snapshot", "agent_id", agent(), "state", SPEC);
    } else if (draw < 42) {
      flushDeferredStates(game);
    } else if (draw < 49) {
      confirm(game, pickTurn(game));
    } else if (draw < 52) {
      confirm(game, game.confirmed.isEmpty() ? "t-1" : game.confirmed.get(random.nextInt(game.confirmed.size())));
    } else if (draw < 54) {
      confirm(game, "t-" + (100_000 + random.nextInt(1000)));
    } else if (draw < 57) {
      sendToolResults(game, pickTurn(game));
    } else if (draw < 63) {
      String turn = random.nextBoolean() ? pickTurn(game) : null;
      String agent = turn == null ? agent() : game.turnAgents.getOrDefault(turn, agent());
      if (turn == null) {
        send(game, "type", "cancel_turn", "agent_id", agent);
      } else {
        send(game, "type", "cancel_turn", "agent_id", agent, random.nextBoolean() ? "turn_id" : "turnId", turn);
      }
    } else if (draw < 66) {
      send(game, "type", "reset_agent", "agent_id", agent());
    } else if (draw < 72) {
      game.client.trySend(MALFORMED.get(random.nextInt(MALFORMED.size())));
      ping(game, true);
    } else if (draw < 75) {
      game.client.trySend(ODD.get(random.nextInt(ODD.size())));
    } else if (draw < 78) {
      ping(game, false);
    } else if (draw < 80) {
      game.client.trySend(new byte[] {0, 1, 2, (byte) 0xff});
    } else if (draw < 81) {
      if (random.nextBoolean()) {
        tooBig(game);
      }
    } else if (draw < 83) {
      rawExchange();
    } else if (draw < 85) {
      disconnect(game);
    } else if (draw < 87) {
      takeOver(game);
    } else if (draw < 88) {
      replace(game, open(server.ws("session_id=" + game.sessionId), true), Set.of(4000));
    } else if (draw < 89) {
      unknownSession(game);
    } else {
      interact(game);
    }
  }

  private void ping(Game game, boolean afterMalformed) {
    String id = name + "-" + counter++;
    if (game.client.trySend(json(Map.of("type", "ping", "id", id)))) {
      Link link = link(game.client);
      link.pings.add(id);
      if (afterMalformed) {
        link.pingsAfterMalformed.add(id);
      }
    }
  }

  private Link link(WsClient client) {
    for (Link l : links) {
      if (l.client == client) {
        return l;
      }
    }
    throw new IllegalStateException("not a link of this player");
  }

  private void interact(Game game) {
    String agent = agent();
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("kind", "player_said");
    event.put(random.nextBoolean() ? "source" : "speaker", "player");
    event.put("text", "Hello " + counter++);
    event.put(random.nextBoolean() ? "on_busy" : "onBusy", ON_BUSY.get(random.nextInt(ON_BUSY.size())));
    if (random.nextInt(4) == 0) {
      event.put("id", name + "-e" + counter++);
    }
    if (random.nextInt(3) == 0) {
      // The flat form: the event's fields at the top level.
      Map<String, Object> flat = new LinkedHashMap<>(event);
      flat.put("type", "interaction_event");
      flat.put(random.nextBoolean() ? "agent_id" : "agentId", agent);
      sendMap(game, flat);
    } else {
      send(game, "type", "interaction_event", "agent_id", agent, "event", event);
    }
  }

  private void answer(Game game, JsonNode getAgentState, String requestId) {
    send(game, "type", "agent_state_snapshot", "agent_id", getAgentState.path("agent_id").asText(),
        random.nextBoolean() ? "request_id" : "requestId", requestId, "state", SPEC);
  }

  private void flushDeferredStates(Game game) {
    for (JsonNode get : game.deferredStates) {
      answer(game, get, get.path("request_id").asText());
    }
    game.deferredStates.clear();
  }

  private void confirm(Game game, String turnId) {
    String agent = game.turnAgents.getOrDefault(turnId, agent());
    if (random.nextBoolean()) {
      send(game, "type", "agent_turn_result", "agent_id", agent, "turn_id", turnId, "interrupted", random.nextBoolean(),
          "tags", List.of(Map.of("tag", "speech", "attributes", Map.of(), "content", "Halt! Who goes th")));
    } else {
      send(game, "type", "agent_turn_result", "agent_id", agent, "turnId", turnId,
          "buffer", "<speech>Halt!</speech><emotion>angry</emotion>");
    }
    game.confirmed.add(turnId);
  }

  private void sendToolResults(Game game, String turnId) {
    List<Map<String, Object>> results = new ArrayList<>();
    for (String callId : game.toolCalls.getOrDefault(turnId, List.of(turnId + ".c1"))) {
      results.add(Map.of("call_id", callId, "name", "check_inventory", "output", Map.of("found", true),
          "is_error", false));
    }
    send(game, "type", "tool_results", "agent_id", game.turnAgents.getOrDefault(turnId, agent()), "turn_id", turnId,
        "results", results);
  }

  /** A message over the size limit: the server closes with 1009; the game resumes its session. */
  private void tooBig(Game game) {
    game.client.trySend("{\"type\":\"ping\",\"id\":\"" + "x".repeat(ChaosTest.MAX_MESSAGE_BYTES + 10) + "\"}");
    game.client.awaitEnd();
    // Also when OkHttp is still writing the message as the 1009 arrives: the server reads on until
    // the close handshake is done (BadFrameCloseTest), so no reset can overtake the code.
    replace(game, open(server.ws("session_id=" + game.sessionId), true), Set.of(1009));
  }

  /**
   * A session id the server does not hold, so it looks for the session's logs while the messages
   * sent at once wait: they must all be answered, after {@code session_started}, in order. Sometimes
   * the connection is dropped while the logs are being read.
   */
  private void unknownSession(Game game) {
    String id = name + "-unknown-" + counter++;
    WsClient client = WsClient.connect(server.ws("session_id=" + id));
    Link link = new Link(client);
    links.add(link);
    List<String> burst = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String pingId = id + "-" + i;
      client.trySend(json(Map.of("type", "ping", "id", pingId)));
      link.pings.add(pingId);
      burst.add(pingId);
    }
    if (random.nextInt(3) == 0) {
      client.cancel();
      link.retired = true;
      link.allowedCloseCodes = Set.of(-1);
      return;
    }
    JsonNode started = client.next("session_started");
    if (!started.path("session_id").asText().equals(id) || started.path("resumed").asBoolean()) {
      throw new AssertionError("a session id with no logs opens a fresh session of that id: " + started);
    }
    for (String pingId : burst) {
      if (!client.next("pong").path("id").asText().equals(pingId)) {
        throw new AssertionError("pongs out of order after " + client.received());
      }
    }
    game.client.close();
    replace(game, client, Set.of(1000));
    game.sessionId = id;
  }

  /** The connection drops without a close frame; sometimes the game resumes at once. */
  private void disconnect(Game game) {
    game.client.cancel();
    replace(game, open(random.nextBoolean() ? server.ws("session_id=" + game.sessionId) : server.ws(), false),
        Set.of(-1, 1000));
    game.sessionId = game.client.received().get(0).path("session_id").asText();
  }

  /** A second connection resumes the session while the first is open: the first is closed with 4000. */
  private void takeOver(Game game) {
    WsClient second = random.nextInt(4) == 0
        ? WsClient.connectSlow(server.ws("session_id=" + game.sessionId), 1 + random.nextInt(5))
        : WsClient.connect(server.ws("session_id=" + game.sessionId));
    second.next("session_started");
    replace(game, second, Set.of(4000));
  }

  private void replace(Game game, WsClient next, Set<Integer> oldMayEndWith) {
    Link old = link(game.client);
    old.retired = true;
    old.allowedCloseCodes = oldMayEndWith;
    if (links.stream().noneMatch(l -> l.client == next)) {
      links.add(new Link(next));
    }
    game.client = next;
    game.deferredStates.clear();
  }

  private WsClient open(String url, boolean expectResumed) {
    WsClient client = random.nextInt(6) == 0 ? WsClient.connectSlow(url, 1 + random.nextInt(5)) : WsClient.connect(url);
    JsonNode started = client.next("session_started");
    if (expectResumed && !started.path("resumed").asBoolean()) {
      throw new AssertionError("resume of a held session not marked resumed: " + started);
    }
    links.add(new Link(client));
    return client;
  }

  /**
   * Over a bare socket: a fragmented ping with a control frame between its fragments, invalid UTF-8
   * split across fragments, a fragmented binary message; then either a fragmented interaction whose
   * turn is dropped mid-way by closing the socket, or a fragmented message over the size limit.
   */
  private void rawExchange() throws IOException {
    List<String> transcript = new ArrayList<>();
    rawTranscripts.add(transcript);
    try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
      transcript.add(raw.readText().text());
      raw.sendFrame(RawWebSocket.TEXT, false, bytes("{\"type\":\"pi"));
      raw.sendFrame(RawWebSocket.PING, true, bytes("between"));
      raw.sendFrame(RawWebSocket.CONTINUATION, false, bytes("ng\",\"id\":\"fr"));
      raw.sendFrame(RawWebSocket.CONTINUATION, true, bytes("ag\"}"));
      expect(raw, transcript, "pong");
      raw.sendFrame(RawWebSocket.TEXT, false, new byte[] {'{', (byte) 0xe2, (byte) 0x82});
      raw.sendFrame(RawWebSocket.CONTINUATION, true, new byte[] {'(', '}'});
      expect(raw, transcript, "error");
      raw.sendFrame(RawWebSocket.BINARY, false, new byte[] {1, 2});
      raw.sendFrame(RawWebSocket.CONTINUATION, true, new byte[] {3});
      expect(raw, transcript, "error");
      if (random.nextInt(3) == 0) {
        byte[] third = new byte[ChaosTest.MAX_MESSAGE_BYTES / 2];
        java.util.Arrays.fill(third, (byte) 'x');
        raw.sendFrame(RawWebSocket.TEXT, false, bytes("{\"type\":\"ping\",\"id\":\""));
        raw.sendFrame(RawWebSocket.CONTINUATION, false, third);
        // The last fragment takes the message over the limit; nothing is sent after it.
        raw.sendFrame(RawWebSocket.CONTINUATION, true, third);
        RawWebSocket.Frame close = raw.readText();
        if (close.opcode() != RawWebSocket.CLOSE || close.closeCode() != 1009) {
          throw new AssertionError("a fragmented message over the limit got " + close.opcode() + " " + close.text());
        }
        return;
      }
      String agent = "r" + random.nextInt(3);
      String message = "{\"type\":\"interaction_event\",\"agent_id\":\"" + agent + "\",\"event\":{\"text\":\"hi\"}}";
      int cut = 1 + random.nextInt(message.length() - 2);
      raw.sendFrame(RawWebSocket.TEXT, false, bytes(message.substring(0, cut)));
      raw.sendFrame(RawWebSocket.CONTINUATION, true, bytes(message.substring(cut)));
      JsonNode get = expect(raw, transcript, "get_agent_state");
      raw.sendText(json(Map.of("type", "agent_state_snapshot", "agent_id", agent, "request_id",
          get.path("request_id").asText(), "state", SPEC)));
      expect(raw, transcript, random.nextBoolean() ? "agent_turn_started" : "agent_turn_finished");
      // Then the socket closes with the turn (if it is still streaming) in flight.
    }
  }

  /**
   * A game that stops reading while its turn streams and goes on sending: the server must give up on
   * it (it stays unwritable past the timeout, or has too much queued) and close it, releasing what
   * it had queued.
   */
  private void stalledReader() throws IOException {
    List<String> transcript = new ArrayList<>();
    rawTranscripts.add(transcript);
    try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
      transcript.add(raw.readText().text());
      raw.sendText(json(Map.of("type", "interaction_event", "agent_id", "s0", "event", Map.of("text", "hi"))));
      JsonNode get = expect(raw, transcript, "get_agent_state");
      raw.sendText(json(Map.of("type", "agent_state_snapshot", "agent_id", "s0", "request_id",
          get.path("request_id").asText(), "state", SPEC)));
      String ping = json(Map.of("type", "ping", "id", "p".repeat(60_000)));
      try {
        for (int i = 0; i < 600; i++) {
          raw.sendText(ping);
        }
      } catch (IOException closedByServer) {
        // Closed while still sending: what a stalled reader gets.
      }
      // What the server wrote before it gave up is still readable; then the stream ends.
      try {
        while (raw.read().opcode() != RawWebSocket.CLOSE) {
          // Only the end matters here.
        }
      } catch (IOException ended) {
        // EOF or reset: the server closed the socket.
      }
    }
  }

  /** Reads text frames into the transcript until one of {@code type}; fails on a close. */
  private static JsonNode expect(RawWebSocket raw, List<String> transcript, String type) throws IOException {
    while (true) {
      RawWebSocket.Frame f = raw.readText();
      if (f.opcode() == RawWebSocket.CLOSE) {
        throw new AssertionError("closed with " + f.closeCode() + " while waiting for " + type);
      }
      transcript.add(f.text());
      JsonNode node = WsClient.JSON.readTree(f.text());
      String got = node.path("type").asText();
      if (got.equals(type) || (type.startsWith("agent_turn_") && (got.equals("agent_turn_finished")
          || got.equals("agent_turn_interrupted")))) {
        return node;
      }
    }
  }

  private String agent() {
    return AGENTS.get(random.nextInt(AGENTS.size()));
  }

  /** A turn id this game has seen, else a made-up one. */
  private String pickTurn(Game game) {
    if (game.turnAgents.isEmpty()) {
      return "t-" + (1 + random.nextInt(5));
    }
    List<String> turns = new ArrayList<>(game.turnAgents.keySet());
    return turns.get(turns.size() - 1 - random.nextInt(Math.min(turns.size(), 6)));
  }

  private void send(Game game, Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    sendMap(game, m);
  }

  private static void sendMap(Game game, Map<String, Object> message) {
    // A connection the server is closing refuses it; the game notices on its next operation.
    game.client.trySend(json(message));
  }

  private static String json(Object value) {
    try {
      return WsClient.JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
