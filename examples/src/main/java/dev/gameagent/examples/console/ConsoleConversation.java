package dev.gameagent.examples.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The game side of protocol v1 for one NPC, without the socket: turns each frame from the server
 * into lines for the player and frames to send back, and each line the player types into frames.
 * This is what a game client has to do; {@link ConsoleGameClient} only moves frames.
 *
 * <ul>
 *   <li>{@code get_agent_state}: answered at once with an {@code agent_state_snapshot} holding the
 *       NPC's spec (the game owns the NPC, so it sends the spec before every turn);
 *   <li>{@code agent_tag_open}, {@code agent_tag_chunk}, {@code agent_tag_close}: printed as they
 *       arrive, so the NPC speaks while the model is still writing; closed tags are remembered;
 *   <li>{@code agent_turn_finished} and {@code agent_turn_interrupted}: answered with an
 *       {@code agent_turn_result} holding what the player actually saw (for an interrupted turn,
 *       the closed tags plus the part of the open tag already printed), which becomes the NPC's
 *       memory of the turn;
 *   <li>{@code agent_turn_finished} with {@code finish_reason: "tool_calls"}: the turn's
 *       {@code tool_call} tags are run (here the spec's {@code check_inventory}, which looks the item
 *       up in the spec's {@code inventory}) and answered with one {@code tool_results}, which
 *       confirms the turn and starts the NPC's next one.
 * </ul>
 *
 * <p>Thread-safe: the socket's reader thread and the keyboard thread may call it at once.
 */
final class ConsoleConversation {
  static final String HELP = String.join("\n",
      "  TEXT          say TEXT to the NPC (interrupts an answer in progress)",
      "  /queue TEXT   say TEXT once the NPC has finished its current answer",
      "  /notify TEXT  tell the NPC that something happened, without asking for an answer",
      "  /cancel       stop the NPC's current answer",
      "  /reset        make the NPC forget the conversation",
      "  /help         show this help",
      "  /quit         leave");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String agentId;
  private final ObjectNode spec;
  private final String npcName;
  private final PrintStream out;
  /** Turns seen and not yet ended, by agent id and turn id. */
  private final Map<String, TurnView> turns = new HashMap<>();
  private String sessionId;
  private int resultsSent;

  /**
   * @param agentId the NPC this console talks to
   * @param spec the NPC's spec, sent as {@code agent_state_snapshot.state}; must have a {@code name}
   * @param out where the conversation is printed
   */
  ConsoleConversation(String agentId, ObjectNode spec, PrintStream out) {
    this.agentId = Objects.requireNonNull(agentId, "agentId == null");
    this.spec = Objects.requireNonNull(spec, "spec == null").deepCopy();
    this.out = Objects.requireNonNull(out, "out == null");
    this.npcName = spec.path("name").asText(agentId);
  }

  /** The session id from {@code session_started}, or null before it arrived. */
  synchronized String sessionId() {
    return sessionId;
  }

  /** How many {@code agent_turn_result}s this conversation has sent. */
  synchronized int resultsSent() {
    return resultsSent;
  }

  /**
   * Handles one text frame from the server.
   *
   * @return the frames to send back, in order; empty when none
   */
  synchronized List<String> onFrame(String frame) {
    JsonNode message;
    try {
      message = JSON.readTree(frame);
    } catch (JsonProcessingException e) {
      out.println("(ignored a frame that is not JSON)");
      return List.of();
    }
    if (message == null || !message.isObject()) {
      out.println("(ignored a frame that is not a JSON object)");
      return List.of();
    }
    String agent = message.path("agent_id").asText("");
    String turnId = message.path("turn_id").asText("");
    switch (message.path("type").asText("")) {
      case "session_started" -> onSessionStarted(message);
      case "get_agent_state" -> {
        return List.of(stateSnapshot(agent, message.path("request_id").asText("")));
      }
      case "agent_turn_started" -> turn(agent, turnId).started = true;
      case "agent_tag_open" -> onTagOpen(turn(agent, turnId), message);
      case "agent_tag_chunk" -> onTagChunk(turn(agent, turnId), message);
      case "agent_tag_close" -> onTagClose(turn(agent, turnId), message);
      case "agent_turn_finished" -> {
        return onTurnFinished(turn(agent, turnId), message);
      }
      case "agent_turn_interrupted" -> {
        return onTurnInterrupted(turn(agent, turnId), message);
      }
      case "error" -> out.println("(server error " + message.path("code").asText() + ": "
          + message.path("message").asText() + ")");
      default -> {
        // pong, and message types newer than this client: nothing to do.
      }
    }
    return List.of();
  }

  /**
   * Handles a line the player typed (see {@link #HELP}).
   *
   * @return the frames to send; empty for a blank line or a command that sends nothing
   */
  synchronized List<String> onInput(String line) {
    String text = line.strip();
    if (text.isEmpty()) {
      return List.of();
    }
    if (!text.startsWith("/")) {
      return List.of(interaction(text, "interrupt"));
    }
    int space = text.indexOf(' ');
    String command = space < 0 ? text : text.substring(0, space);
    String argument = space < 0 ? "" : text.substring(space + 1).strip();
    switch (command) {
      case "/queue":
        return argument.isEmpty() ? usage(command) : List.of(interaction(argument, "queue"));
      case "/notify":
        return argument.isEmpty() ? usage(command) : List.of(notification(argument));
      case "/cancel":
        return List.of(message("cancel_turn").put("agent_id", agentId).toString());
      case "/reset":
        return List.of(message("reset_agent").put("agent_id", agentId).toString());
      case "/help":
        out.println(HELP);
        return List.of();
      default:
        out.println("(unknown command " + command + "; /help lists them)");
        return List.of();
    }
  }

  private List<String> usage(String command) {
    out.println("(" + command + " needs a text, e.g. " + command + " hello)");
    return List.of();
  }

  private void onSessionStarted(JsonNode message) {
    sessionId = message.path("session_id").asText();
    String resumed = message.path("resumed").asBoolean() ? " (resumed)" : "";
    JsonNode server = message.path("server");
    String serverName = server.isObject()
        ? (server.path("name").asText("server") + " " + server.path("version").asText("")).strip()
        : server.asText("the agent server");
    out.println("Connected to " + serverName + ", session " + sessionId + resumed + ". Say something to "
        + npcName + "; /help lists the commands.");
  }

  private String stateSnapshot(String agent, String requestId) {
    ObjectNode snapshot = message("agent_state_snapshot").put("agent_id", agent).put("request_id", requestId);
    // This console plays one NPC; any other agent the server asks about gets a bare spec.
    snapshot.set("state", agent.equals(agentId) ? spec : JSON.createObjectNode().put("name", agent));
    return snapshot.toString();
  }

  private void onTagOpen(TurnView turn, JsonNode message) {
    turn.openTag = message.path("tag").asText();
    turn.openAttributes = message.path("attributes").isObject()
        ? (ObjectNode) message.get("attributes").deepCopy() : JSON.createObjectNode();
    turn.openText.setLength(0);
    out.print(speaker(turn.openTag, turn.openAttributes));
  }

  private void onTagChunk(TurnView turn, JsonNode message) {
    if (turn.openTag != null) {
      String text = message.path("text").asText();
      turn.openText.append(text);
      out.print(text);
      out.flush();
    }
  }

  private void onTagClose(TurnView turn, JsonNode message) {
    out.println();
    turn.performed.add(tag(message.path("tag").asText(), turn.openAttributes, message.path("content").asText()));
    turn.openTag = null;
  }

  private List<String> onTurnFinished(TurnView turn, JsonNode message) {
    turns.remove(turn.key);
    JsonNode error = message.path("error");
    if (error.isObject()) {
      out.println("(" + npcName + "'s turn failed: " + error.path("code").asText() + ": "
          + error.path("message").asText() + ")");
    }
    if ("length".equals(message.path("finish_reason").asText())) {
      out.println("(the answer was cut at the token limit)");
    }
    for (JsonNode rejected : message.path("rejected")) {
      out.println("(not shown: a <" + rejected.path("tag").asText() + "> tag, " + rejected.path("reason").asText() + ")");
    }
    if ("tool_calls".equals(message.path("finish_reason").asText())) {
      // The results, not an agent_turn_result, confirm this turn; the NPC answers from them next.
      return List.of(toolResults(turn));
    }
    return List.of(turnResult(turn, false));
  }

  private String toolResults(TurnView turn) {
    ObjectNode frame = message("tool_results").put("agent_id", turn.agentId).put("turn_id", turn.turnId);
    ArrayNode results = frame.putArray("results");
    for (ObjectNode tag : turn.performed) {
      if (!tag.path("tag").asText().equals("tool_call")) {
        continue;
      }
      String name = tag.path("attributes").path("name").asText();
      ObjectNode result = results.addObject().put("call_id", tag.path("attributes").path("call_id").asText()).put("name", name);
      JsonNode output = runTool(name, tag.path("content").asText());
      result.set("output", output);
      result.put("is_error", output.has("error"));
      out.println("(" + npcName + " used " + name + ": " + output + ")");
    }
    return frame.toString();
  }

  /** This console's one tool: is the item in the spec's inventory? Anything else is an error output. */
  private JsonNode runTool(String name, String arguments) {
    if (!name.equals("check_inventory")) {
      return JSON.createObjectNode().put("error", "no such tool: " + name);
    }
    String item;
    try {
      // The server only sends a tool call whose arguments are a JSON object.
      item = JSON.readTree(arguments).path("item").asText("");
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode().put("error", "arguments are not JSON");
    }
    boolean found = false;
    for (JsonNode owned : spec.path("inventory")) {
      found |= owned.asText().equalsIgnoreCase(item.strip());
    }
    return JSON.createObjectNode().put("item", item).put("found", found);
  }

  private List<String> onTurnInterrupted(TurnView turn, JsonNode message) {
    turns.remove(turn.key);
    if (turn.openTag != null) {
      out.println(" —");
      if (turn.openText.length() > 0) {
        // The player saw the open tag's text so far: that part belongs in the result too.
        turn.performed.add(tag(turn.openTag, turn.openAttributes, turn.openText.toString()));
      }
    }
    out.println("(" + npcName + " was interrupted: " + message.path("reason").asText() + ")");
    // A turn that never started showed nothing, so there is nothing to report.
    return turn.started ? List.of(turnResult(turn, true)) : List.of();
  }

  private String turnResult(TurnView turn, boolean interrupted) {
    ObjectNode result = message("agent_turn_result")
        .put("agent_id", turn.agentId)
        .put("turn_id", turn.turnId)
        .put("interrupted", interrupted);
    ArrayNode tags = result.putArray("tags");
    turn.performed.forEach(tags::add);
    resultsSent++;
    return result.toString();
  }

  /** What is printed before a tag's text: {@code "Brom: "} for speech, {@code "Brom [action name=wave] "} else. */
  private String speaker(String tag, ObjectNode attributes) {
    if (tag.equals("speech") || tag.equals(spec.path("default_tag").asText())) {
      return npcName + ": ";
    }
    StringBuilder s = new StringBuilder(npcName).append(" [").append(tag);
    for (Map.Entry<String, JsonNode> a : attributes.properties()) {
      s.append(' ').append(a.getKey()).append('=').append(a.getValue().asText());
    }
    return s.append("] ").toString();
  }

  private String interaction(String text, String onBusy) {
    ObjectNode frame = message("interaction_event").put("agent_id", agentId);
    frame.putObject("event")
        .put("kind", "player_said")
        .put("source", "player")
        .put("target", agentId)
        .put("text", text)
        .put("on_busy", onBusy);
    return frame.toString();
  }

  private String notification(String text) {
    ObjectNode frame = message("notification_event").put("agent_id", agentId);
    frame.putObject("event").put("kind", "world_event").put("text", text);
    return frame.toString();
  }

  private static ObjectNode message(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  private static ObjectNode tag(String name, ObjectNode attributes, String content) {
    ObjectNode tag = JSON.createObjectNode().put("tag", name);
    tag.set("attributes", attributes == null ? JSON.createObjectNode() : attributes);
    return tag.put("content", content);
  }

  private TurnView turn(String agent, String turnId) {
    String key = agent + "\u0000" + turnId;
    return turns.computeIfAbsent(key, k -> new TurnView(k, agent, turnId));
  }

  /** What the player has seen of one turn so far. */
  private static final class TurnView {
    final String key;
    final String agentId;
    final String turnId;
    final List<ObjectNode> performed = new ArrayList<>();
    final StringBuilder openText = new StringBuilder();
    boolean started;
    String openTag;
    ObjectNode openAttributes;

    TurnView(String key, String agentId, String turnId) {
      this.key = key;
      this.agentId = agentId;
      this.turnId = turnId;
    }
  }
}
