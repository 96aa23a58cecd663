package dev.gameagent.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import dev.gameagent.core.testing.TurnOrderChecker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Decodes the turn frames a client received back into {@link TurnEvent}s, for core's {@link TurnOrderChecker}. */
final class TurnFrames {
  private TurnFrames() {}

  /** Checks every turn in {@code frames} (one connection's messages, in order) against the lifecycle invariants. */
  static void assertValid(List<JsonNode> frames) {
    TurnOrderChecker checker = new TurnOrderChecker();
    for (JsonNode frame : frames) {
      TurnEvent event = toEvent(frame);
      if (event != null) {
        checker.accept(event);
      }
    }
    checker.assertValid();
  }

  /** The turn event a frame carries, or null for other messages. */
  static TurnEvent toEvent(JsonNode f) {
    String agent = f.path("agent_id").asText(null);
    String turn = f.path("turn_id").asText(null);
    switch (f.path("type").asText()) {
      case "agent_turn_started": {
        JsonNode p = f.path("prompt");
        return new TurnEvent.Started(agent, turn, f.path("event_id").asText(null),
            TurnEvent.Cause.valueOf(f.path("cause").asText().toUpperCase(Locale.ROOT)), f.path("model").asText(null),
            new TurnEvent.PromptStats(p.path("message_count").asInt(), p.path("history_included").asInt(),
                p.path("history_dropped").asInt(), p.path("estimated_tokens").asInt()));
      }
      case "agent_tag_open": {
        Map<String, String> attributes = new LinkedHashMap<>();
        f.path("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
        return new TurnEvent.TagOpen(agent, turn, f.path("index").asInt(), f.path("tag").asText(), attributes);
      }
      case "agent_tag_chunk":
        return new TurnEvent.TagChunk(agent, turn, f.path("index").asInt(), f.path("tag").asText(),
            f.path("text").asText());
      case "agent_tag_close":
        return new TurnEvent.TagClose(agent, turn, f.path("index").asInt(), f.path("tag").asText(),
            f.path("content").asText(), f.path("complete").asBoolean());
      case "agent_turn_interrupted":
        return new TurnEvent.Interrupted(agent, turn,
            TurnEvent.InterruptReason.valueOf(f.path("reason").asText().toUpperCase(Locale.ROOT)),
            f.path("by_event_id").asText(null));
      case "agent_turn_finished": {
        JsonNode u = f.path("usage");
        Usage usage = u.isObject() ? new Usage(u.path("prompt_tokens").asInt(), u.path("completion_tokens").asInt()) : null;
        JsonNode t = f.path("timing");
        List<TagRejection> rejected = new ArrayList<>();
        f.path("rejected").forEach(r -> rejected.add(new TagRejection(r.path("tag").asText(), r.path("reason").asText())));
        JsonNode e = f.path("error");
        TurnEvent.TurnError error = e.isObject() ? new TurnEvent.TurnError(
            ErrorCode.valueOf(e.path("code").asText().toUpperCase(Locale.ROOT)), e.path("message").asText(),
            e.has("status") ? e.path("status").asInt() : null) : null;
        return new TurnEvent.Finished(agent, turn, f.path("finish_reason").asText(), usage,
            new TurnEvent.Timing(t.path("state_ms").asLong(), t.path("first_token_ms").asLong(),
                t.path("total_ms").asLong()), rejected, error);
      }
      default:
        return null;
    }
  }
}
