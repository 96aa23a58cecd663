package dev.gameagent.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.ToolResult;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.parser.TagRejection;
import java.time.Instant;

/**
 * The JSON lines of a session log, one object per record with {@code ts}, {@code type} and
 * {@code agent_id}. An LLM request is logged with its messages, model, temperature, max_tokens, stop
 * and provider option only, never a key; the spec a prompt was built from is a record of its own,
 * written when the agent's cached spec changes. Stateless and thread-safe.
 */
final class LogRecords {
  static final ObjectMapper JSON = new ObjectMapper();

  private LogRecords() {}

  static ObjectNode history(String sessionId, String agentId, HistoryEntry entry, Instant now) {
    ObjectNode line = base("history", sessionId, agentId, now);
    ObjectNode e = line.putObject("entry");
    if (entry instanceof HistoryEntry.Event ev) {
      e.put("kind", "event").put("disposition", ev.disposition().name().toLowerCase(java.util.Locale.ROOT));
      e.set("event", event(ev.event()));
    } else if (entry instanceof HistoryEntry.Turn t) {
      e.put("kind", "turn").put("turn_id", t.turnId()).put("interrupted", t.interrupted());
      ArrayNode tags = e.putArray("tags");
      for (ConfirmedTag tag : t.tags()) {
        ObjectNode n = tags.addObject().put("tag", tag.tag());
        n.set("attributes", JSON.valueToTree(tag.attributes()));
        n.put("content", tag.content());
      }
    } else if (entry instanceof HistoryEntry.ToolResults r) {
      e.put("kind", "tool_results").put("turn_id", r.turnId());
      ArrayNode results = e.putArray("results");
      for (ToolResult result : r.results()) {
        ObjectNode n = results.addObject().put("call_id", result.callId()).put("name", result.name());
        n.set("output", tree(result.output()));
        n.put("is_error", result.isError());
      }
    }
    return line;
  }

  static ObjectNode llmRequest(String sessionId, String agentId, String turnId, LlmRequest request, Instant now) {
    ObjectNode line = base("llm_request", sessionId, agentId, now).put("turn_id", turnId);
    line.put("model", request.model());
    if (request.temperature() == null) {
      line.putNull("temperature");
    } else {
      line.put("temperature", request.temperature());
    }
    if (request.maxTokens() == null) {
      line.putNull("max_tokens");
    } else {
      line.put("max_tokens", request.maxTokens());
    }
    line.set("stop", JSON.valueToTree(request.stop()));
    Object provider = request.options().get(LlmRequest.OPTION_PROVIDER);
    line.put("provider", provider == null ? null : provider.toString());
    ArrayNode messages = line.putArray("messages");
    for (ChatMessage m : request.messages()) {
      messages.addObject().put("role", m.role().wireName()).put("content", m.content());
    }
    return line;
  }

  static ObjectNode turnEnded(String sessionId, TurnEvent terminal, Instant now) {
    ObjectNode line = base("turn_ended", sessionId, terminal.agentId(), now).put("turn_id", terminal.turnId());
    if (terminal instanceof TurnEvent.Interrupted i) {
      line.put("outcome", "interrupted").put("reason", i.reason().wireName()).put("by_event_id", i.byEventId());
    } else if (terminal instanceof TurnEvent.Finished f) {
      line.put("outcome", "finished").put("finish_reason", f.finishReason());
      if (f.usage() != null) {
        line.putObject("usage").put("prompt_tokens", f.usage().promptTokens())
            .put("completion_tokens", f.usage().completionTokens());
      }
      if (f.timing() != null) {
        line.putObject("timing").put("state_ms", f.timing().stateMs())
            .put("first_token_ms", f.timing().firstTokenMs()).put("total_ms", f.timing().totalMs());
      }
      ArrayNode rejected = line.putArray("rejected");
      for (TagRejection r : f.rejected()) {
        rejected.addObject().put("tag", r.tag()).put("reason", r.reason());
      }
      if (f.error() != null) {
        ObjectNode err = line.putObject("error").put("code", f.error().code().wireName())
            .put("message", f.error().message());
        if (f.error().status() != null) {
          err.put("status", f.error().status());
        }
      }
    }
    return line;
  }

  /** The agent's spec as a tree that {@link AgentSpec#fromMap} reads back. */
  static ObjectNode spec(String sessionId, String agentId, AgentSpec spec, Instant now) {
    ObjectNode line = base("agent_spec", sessionId, agentId, now);
    line.set("state", tree(spec.toMap()));
    return line;
  }

  static ObjectNode agentReset(String sessionId, String agentId, Instant now) {
    return base("agent_reset", sessionId, agentId, now);
  }

  static ObjectNode session(String type, String sessionId, Instant now) {
    return base(type, sessionId, null, now);
  }

  static ObjectNode event(InteractionEvent event) {
    ObjectNode n = JSON.createObjectNode()
        .put("event_id", event.eventId())
        .put("kind", event.kind())
        .put("source", event.source())
        .put("target", event.target())
        .put("text", event.text())
        .put("timestamp", event.timestamp().toString())
        .put("on_busy", event.onBusy().wireName());
    n.set("data", tree(event.data()));
    return n;
  }

  private static ObjectNode base(String type, String sessionId, String agentId, Instant now) {
    ObjectNode line = JSON.createObjectNode().put("ts", now.toString()).put("type", type).put("session_id", sessionId);
    if (agentId != null) {
      line.put("agent_id", agentId);
    }
    return line;
  }

  /** A tree of maps, lists and scalars as JSON; anything Jackson cannot map becomes its string form. */
  private static JsonNode tree(Object value) {
    try {
      return JSON.valueToTree(value);
    } catch (IllegalArgumentException e) {
      return JSON.getNodeFactory().textNode(String.valueOf(value));
    }
  }
}
