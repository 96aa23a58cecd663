package dev.gameagent.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The human-readable conversation log of a session, rendered from its JSON lines: per agent, every
 * event, confirmed turn, tool result, request and outcome, in order.
 */
final class ConversationLog {
  private ConversationLog() {}

  /**
   * Renders a session.
   *
   * @param agents each agent's raw id mapped to its log lines, in order
   */
  static String render(String sessionId, Map<String, List<JsonNode>> agents) {
    StringBuilder out = new StringBuilder();
    out.append("Session ").append(sessionId).append('\n');
    for (Map.Entry<String, List<JsonNode>> agent : agents.entrySet()) {
      out.append("\n== Agent ").append(agent.getKey()).append(" ==\n");
      for (JsonNode line : agent.getValue()) {
        String text = line(line);
        if (text != null) {
          out.append(line.path("ts").asText()).append("  ").append(text).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static String line(JsonNode n) {
    switch (n.path("type").asText()) {
      case "history":
        return entry(n.path("entry"));
      case "llm_request":
        return "llm request for " + n.path("turn_id").asText() + ": model " + n.path("model").asText("default")
            + ", " + n.path("messages").size() + " messages";
      case "turn_ended":
        if ("interrupted".equals(n.path("outcome").asText())) {
          return "turn " + n.path("turn_id").asText() + " interrupted (" + n.path("reason").asText() + ")";
        }
        String error = n.has("error") ? ", error " + n.path("error").path("code").asText() + ": "
            + n.path("error").path("message").asText() : "";
        return "turn " + n.path("turn_id").asText() + " finished (" + n.path("finish_reason").asText() + error + ")";
      case "agent_spec":
        return "spec of " + n.path("state").path("name").asText() + " cached";
      case "agent_reset":
        return "agent reset: history and spec forgotten";
      default:
        return null;
    }
  }

  private static String entry(JsonNode e) {
    switch (e.path("kind").asText()) {
      case "event": {
        JsonNode ev = e.path("event");
        StringBuilder s = new StringBuilder();
        String disposition = e.path("disposition").asText();
        s.append("interaction".equals(disposition) ? "event " : disposition + " event ");
        s.append(ev.path("kind").asText());
        if (!ev.path("source").isNull() && ev.has("source")) {
          s.append(" from ").append(ev.path("source").asText());
        }
        if (!ev.path("target").isNull() && ev.has("target")) {
          s.append(" to ").append(ev.path("target").asText());
        }
        s.append(": ").append(ev.path("text").asText());
        if (ev.path("data").size() > 0) {
          s.append(' ').append(ev.path("data"));
        }
        return s.toString();
      }
      case "turn": {
        StringBuilder s = new StringBuilder("agent (turn ").append(e.path("turn_id").asText());
        s.append(e.path("interrupted").asBoolean() ? ", interrupted): " : "): ");
        for (JsonNode tag : e.path("tags")) {
          s.append('<').append(tag.path("tag").asText());
          tag.path("attributes").properties().forEach(a ->
              s.append(' ').append(a.getKey()).append("=\"").append(a.getValue().asText()).append('"'));
          s.append('>').append(tag.path("content").asText()).append("</").append(tag.path("tag").asText()).append("> ");
        }
        return s.toString().stripTrailing();
      }
      case "tool_results": {
        StringBuilder s = new StringBuilder("tool results for ").append(e.path("turn_id").asText()).append(':');
        for (JsonNode r : e.path("results")) {
          s.append(' ').append(r.path("name").asText()).append(r.path("is_error").asBoolean() ? " failed " : " -> ")
              .append(r.path("output"));
        }
        return s.toString();
      }
      default:
        return null;
    }
  }
}
