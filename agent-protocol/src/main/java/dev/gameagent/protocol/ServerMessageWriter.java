package dev.gameagent.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.StateRequest;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.parser.TagRejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Writes the server messages that are not on the per-token path with Jackson's streaming
 * generator, field by field in the protocol's order, no tree in between. Optional fields that are
 * null are left out. Thread-safe: every call uses its own generator over the shared factory.
 */
final class ServerMessageWriter {

  /** One message's fields, written between the object's braces. */
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private final JsonFactory factory;

  ServerMessageWriter(JsonFactory factory) {
    this.factory = factory;
  }

  byte[] sessionStarted(String sessionId, String serverName, String serverVersion, boolean resumed) {
    return message("session_started", g -> {
      g.writeStringField("session_id", sessionId);
      g.writeNumberField("protocol_version", ProtocolCodec.PROTOCOL_VERSION);
      g.writeObjectFieldStart("server");
      g.writeStringField("name", serverName);
      g.writeStringField("version", serverVersion);
      g.writeEndObject();
      g.writeBooleanField("resumed", resumed);
    });
  }

  byte[] pong(Object id, long serverTimeMs) {
    return message("pong", g -> {
      if (id != null) {
        g.writeFieldName("id");
        writeScalar(g, id);
      }
      g.writeNumberField("server_time_ms", serverTimeMs);
    });
  }

  byte[] getAgentState(StateRequest request) {
    return message("get_agent_state", g -> {
      g.writeStringField("agent_id", request.agentId());
      g.writeStringField("request_id", request.requestId());
      g.writeStringField("event_id", request.eventId());
      g.writeStringField("turn_id", request.turnId());
    });
  }

  byte[] error(ErrorCode code, String message, String inReplyTo, String agentId, String turnId, String requestId) {
    return message("error", g -> {
      g.writeStringField("code", code.wireName());
      g.writeStringField("message", message);
      optional(g, "in_reply_to", inReplyTo);
      optional(g, "agent_id", agentId);
      optional(g, "turn_id", turnId);
      optional(g, "request_id", requestId);
    });
  }

  byte[] started(TurnEvent.Started e) {
    return message("agent_turn_started", g -> {
      turn(g, e);
      g.writeStringField("event_id", e.eventId());
      g.writeStringField("cause", e.cause() == null ? null : e.cause().wireName());
      g.writeStringField("model", e.model());
      TurnEvent.PromptStats prompt = e.prompt();
      if (prompt != null) {
        g.writeObjectFieldStart("prompt");
        g.writeNumberField("message_count", prompt.messageCount());
        g.writeNumberField("history_included", prompt.historyIncluded());
        g.writeNumberField("history_dropped", prompt.historyDropped());
        g.writeNumberField("estimated_tokens", prompt.estimatedTokens());
        g.writeEndObject();
      }
    });
  }

  byte[] interrupted(TurnEvent.Interrupted e) {
    return message("agent_turn_interrupted", g -> {
      turn(g, e);
      g.writeStringField("reason", e.reason() == null ? null : e.reason().wireName());
      optional(g, "by_event_id", e.byEventId());
    });
  }

  byte[] finished(TurnEvent.Finished e) {
    return message("agent_turn_finished", g -> {
      turn(g, e);
      g.writeStringField("finish_reason", e.finishReason());
      if (e.usage() != null) {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", e.usage().promptTokens());
        g.writeNumberField("completion_tokens", e.usage().completionTokens());
        g.writeEndObject();
      }
      TurnEvent.Timing timing = e.timing();
      if (timing != null) {
        g.writeObjectFieldStart("timing");
        g.writeNumberField("state_ms", timing.stateMs());
        g.writeNumberField("first_token_ms", timing.firstTokenMs());
        g.writeNumberField("total_ms", timing.totalMs());
        g.writeEndObject();
      }
      g.writeArrayFieldStart("rejected");
      for (TagRejection rejection : e.rejected()) {
        g.writeStartObject();
        g.writeStringField("tag", rejection.tag());
        g.writeStringField("reason", rejection.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      TurnEvent.TurnError error = e.error();
      if (error != null) {
        g.writeObjectFieldStart("error");
        g.writeStringField("code", error.code().wireName());
        g.writeStringField("message", error.message());
        if (error.status() != null) {
          g.writeNumberField("status", error.status());
        }
        g.writeEndObject();
      }
    });
  }

  /**
   * A tag event through Jackson rather than {@link TagEventWriter}: the reference the hand-written
   * writer is tested against.
   */
  byte[] tagEvent(TurnEvent e) {
    if (e instanceof TurnEvent.TagOpen) {
      TurnEvent.TagOpen open = (TurnEvent.TagOpen) e;
      return message("agent_tag_open", g -> {
        tagHead(g, e, open.index(), open.tag());
        g.writeObjectFieldStart("attributes");
        for (var attribute : open.attributes().entrySet()) {
          g.writeStringField(attribute.getKey(), attribute.getValue());
        }
        g.writeEndObject();
      });
    }
    if (e instanceof TurnEvent.TagChunk) {
      TurnEvent.TagChunk chunk = (TurnEvent.TagChunk) e;
      return message("agent_tag_chunk", g -> {
        tagHead(g, e, chunk.index(), chunk.tag());
        g.writeStringField("text", chunk.text());
      });
    }
    TurnEvent.TagClose close = (TurnEvent.TagClose) e;
    return message("agent_tag_close", g -> {
      tagHead(g, e, close.index(), close.tag());
      g.writeStringField("content", close.content());
      g.writeBooleanField("complete", close.complete());
    });
  }

  private static void tagHead(JsonGenerator g, TurnEvent e, int index, String tag) throws IOException {
    turn(g, e);
    g.writeNumberField("index", index);
    g.writeStringField("tag", tag);
  }

  private static void turn(JsonGenerator g, TurnEvent e) throws IOException {
    g.writeStringField("agent_id", e.agentId());
    g.writeStringField("turn_id", e.turnId());
  }

  private static void optional(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static void writeScalar(JsonGenerator g, Object value) throws IOException {
    if (value instanceof String) {
      g.writeString((String) value);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof BigInteger) {
      g.writeNumber((BigInteger) value);
    } else if (value instanceof BigDecimal) {
      g.writeNumber((BigDecimal) value);
    } else if (value instanceof Number) {
      g.writeNumber(((Number) value).doubleValue());
    } else {
      g.writeString(String.valueOf(value));
    }
  }

  private byte[] message(String type, Body body) {
    try (ByteArrayBuilder bytes = new ByteArrayBuilder(128)) {
      try (JsonGenerator g = factory.createGenerator(bytes, JsonEncoding.UTF8)) {
        g.writeStartObject();
        g.writeStringField("type", type);
        body.write(g);
        g.writeEndObject();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      // Writing to memory does not fail; a generator error is a bug in this class.
      throw new UncheckedIOException(e);
    }
  }
}
