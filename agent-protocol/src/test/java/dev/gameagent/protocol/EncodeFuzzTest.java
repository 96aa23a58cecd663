package dev.gameagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.StateRequest;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import dev.gameagent.core.testing.Fuzz;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the server-to-client encoder: for random turn events and frames whose strings
 * hold every kind of character (quotes, control characters, emoji, unpaired surrogates, U+2028),
 * the bytes are strict UTF-8 (a WebSocket text frame must be) and Jackson reads back the same
 * values. Seeded; see {@link Fuzz} for reruns.
 */
class EncodeFuzzTest {
  private final ProtocolCodec codec = ProtocolCodec.newBuilder().build();
  private final ObjectMapper jackson = new ObjectMapper();

  @Test
  void turnEventsReadBackAsSent() {
    Fuzz.check("turn events read back as sent", 3000, random -> {
      FuzzInput in = new FuzzInput(random);
      TurnEvent event = randomEvent(in, random);
      JsonNode json = read(codec.turnEvent(event));
      assertThat(json.get("agent_id").textValue()).isEqualTo(event.agentId());
      assertThat(json.get("turn_id").textValue()).isEqualTo(event.turnId());
      if (event instanceof TurnEvent.TagOpen open) {
        assertThat(json.get("type").textValue()).isEqualTo("agent_tag_open");
        assertThat(json.get("index").intValue()).isEqualTo(open.index());
        assertThat(json.get("tag").textValue()).isEqualTo(open.tag());
        Map<String, String> attributes = new LinkedHashMap<>();
        json.get("attributes").properties().forEach(a -> attributes.put(a.getKey(), a.getValue().textValue()));
        assertThat(attributes).containsExactlyEntriesOf(open.attributes());
      } else if (event instanceof TurnEvent.TagChunk chunk) {
        assertThat(json.get("tag").textValue()).isEqualTo(chunk.tag());
        assertThat(json.get("text").textValue()).isEqualTo(chunk.text());
      } else if (event instanceof TurnEvent.TagClose close) {
        assertThat(json.get("content").textValue()).isEqualTo(close.content());
        assertThat(json.get("complete").booleanValue()).isEqualTo(close.complete());
      } else if (event instanceof TurnEvent.Started started) {
        assertThat(json.get("event_id").textValue()).isEqualTo(started.eventId());
        assertThat(json.get("model").textValue()).isEqualTo(started.model());
        assertThat(json.get("prompt").get("estimated_tokens").intValue()).isEqualTo(started.prompt().estimatedTokens());
      } else if (event instanceof TurnEvent.Interrupted interrupted) {
        assertThat(json.get("reason").textValue()).isEqualTo(interrupted.reason().wireName());
        assertThat(json.path("by_event_id").textValue()).isEqualTo(interrupted.byEventId());
      } else {
        TurnEvent.Finished finished = (TurnEvent.Finished) event;
        assertThat(json.get("finish_reason").textValue()).isEqualTo(finished.finishReason());
        List<TagRejection> rejected = new ArrayList<>();
        json.get("rejected").forEach(r -> rejected.add(new TagRejection(r.get("tag").textValue(), r.get("reason").textValue())));
        assertThat(rejected).isEqualTo(finished.rejected());
        if (finished.error() != null) {
          assertThat(json.get("error").get("message").textValue()).isEqualTo(finished.error().message());
        }
      }
    });
  }

  @Test
  void framesReadBackAsSent() {
    Fuzz.check("frames read back as sent", 2000, random -> {
      FuzzInput in = new FuzzInput(random);
      String a = in.text(40);
      String b = in.text(40);
      String c = in.text(40);
      String d = in.text(40);
      JsonNode state = read(codec.getAgentState(new StateRequest("s", a, b, c, d)));
      assertThat(List.of(state.get("agent_id").textValue(), state.get("request_id").textValue(),
          state.get("event_id").textValue(), state.get("turn_id").textValue())).containsExactly(a, b, c, d);

      JsonNode session = read(codec.sessionStarted(a, b, c, true));
      assertThat(session.get("session_id").textValue()).isEqualTo(a);
      assertThat(session.get("server").get("version").textValue()).isEqualTo(c);

      JsonNode pong = read(codec.pong(a, 1));
      assertThat(pong.get("id").textValue()).isEqualTo(a);

      // Error messages quote what the client sent, cut to a bound: the cut never leaves half an emoji.
      String message = in.chance(30) ? in.text(2000) : in.text(600);
      JsonNode error = read(codec.error(in.pick(List.of(ErrorCode.values())), message, b, c, d, a));
      String sent = error.get("message").textValue();
      if (message.length() <= ProtocolCodec.MAX_ERROR_MESSAGE_LENGTH) {
        assertThat(sent).isEqualTo(message);
      } else {
        assertThat(sent).hasSizeLessThanOrEqualTo(ProtocolCodec.MAX_ERROR_MESSAGE_LENGTH).endsWith("\u2026");
        String kept = sent.substring(0, sent.length() - 1);
        assertThat(message).startsWith(kept);
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))
            && Character.isLowSurrogate(message.charAt(kept.length()))).as("cut inside a pair").isFalse();
      }
      assertThat(error.get("in_reply_to").textValue()).isEqualTo(b);
      assertThat(error.get("request_id").textValue()).isEqualTo(a);
    });
  }

  private TurnEvent randomEvent(FuzzInput in, Random random) {
    String agent = in.text(16);
    String turn = in.text(10);
    int index = random.nextInt(5) == 0 ? random.nextInt() : random.nextInt(50);
    String tag = in.text(10);
    switch (random.nextInt(6)) {
      case 0: {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          // The tag parser turns an unpaired surrogate into U+FFFD, so attribute names never hold one.
          attributes.put(in.fieldName(), in.text(30));
        }
        return new TurnEvent.TagOpen(agent, turn, index, tag, attributes);
      }
      case 1:
        return new TurnEvent.TagChunk(agent, turn, index, tag, in.text(in.chance(10) ? 20_000 : 30));
      case 2:
        return new TurnEvent.TagClose(agent, turn, index, tag, in.text(in.chance(10) ? 20_000 : 200), random.nextBoolean());
      case 3:
        return new TurnEvent.Started(agent, turn, in.text(10), in.pick(List.of(TurnEvent.Cause.values())), in.text(30),
            new TurnEvent.PromptStats(random.nextInt(50), random.nextInt(40), random.nextInt(5), random.nextInt(9000)));
      case 4:
        return new TurnEvent.Interrupted(agent, turn, in.pick(List.of(TurnEvent.InterruptReason.values())),
            in.chance(50) ? in.text(10) : null);
      default: {
        List<TagRejection> rejected = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
          rejected.add(new TagRejection(in.text(10), in.text(20)));
        }
        TurnEvent.TurnError error = in.chance(50)
            ? new TurnEvent.TurnError(ErrorCode.LLM_ERROR, in.text(300), in.chance(50) ? 429 : null)
            : null;
        return new TurnEvent.Finished(agent, turn, in.text(10), in.chance(50) ? new Usage(3, 4) : null,
            new TurnEvent.Timing(random.nextInt(100), -1, random.nextInt(1000)), rejected, error);
      }
    }
  }

  /** The frame as Jackson reads it, after checking that it is strict UTF-8. */
  private JsonNode read(byte[] frame) throws Exception {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(frame));
    } catch (CharacterCodingException e) {
      throw new AssertionError("not UTF-8: " + Fuzz.printable(new String(frame, StandardCharsets.ISO_8859_1)), e);
    }
    return jackson.readTree(frame);
  }
}
