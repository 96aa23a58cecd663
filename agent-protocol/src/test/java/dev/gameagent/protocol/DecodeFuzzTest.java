package dev.gameagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.testing.Fuzz;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Property tests of {@link ProtocolCodec#decode} over random and mutated client messages (see
 * {@link FuzzInput}): decoding yields a message or a {@link ProtocolException} with a decode error
 * code, a message naming the field without Java internals, and every id of the message that can be
 * known; never another exception. Seeded; see {@link Fuzz} for reruns.
 */
class DecodeFuzzTest {
  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private static final Set<ErrorCode> DECODE_CODES =
      EnumSet.of(ErrorCode.INVALID_JSON, ErrorCode.MISSING_FIELD, ErrorCode.INVALID_FIELD, ErrorCode.UNKNOWN_TYPE);
  /** What Java internals look like in a message: stack frames, class names, Jackson's vocabulary. */
  private static final Pattern INTERNALS = Pattern.compile(
      "\\tat |Exception|com\\.fasterxml|java\\.|jdk\\.|dev\\.gameagent|[Jj]ackson|\\[Source|START_OBJECT|VALUE_|TOKEN_|"
          + "\\b[a-z]+(\\.[a-z]+)+\\.[A-Z]\\w+");

  private final ProtocolCodec codec = ProtocolCodec.newBuilder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  private final ObjectMapper jackson = new ObjectMapper();

  @Test
  void validMessagesOfEveryTypeDecode() {
    Fuzz.check("valid messages decode", 1500, random -> {
      FuzzInput in = new FuzzInput(random);
      ObjectNode message = in.validMessage();
      String text = in.write(message);
      ClientMessage decoded = decodeOrThrow(text, message);
      assertThat(decoded.type()).isEqualTo(message.get("type").textValue());
      checkAccepted(decoded, text);
    });
  }

  @Test
  void camelCaseSpellingsDecodeLikeSnakeCase() {
    Fuzz.check("camelCase spellings decode like snake_case", 1000, random -> {
      FuzzInput in = new FuzzInput(random);
      ObjectNode message = in.validMessage();
      ClientMessage snake = decodeOrThrow(in.write(message), message);
      ObjectNode camel = message.deepCopy();
      // Random field names never collide with these, so data and state keep theirs.
      FuzzInput.objects(camel).forEach(DecodeFuzzTest::renameReadFields);
      assertThat(decodeOrThrow(in.write(camel), camel)).as("%s", abbreviate(camel)).isEqualTo(snake);
    });
  }

  /** Renames the fields the decoder reads in camelCase; a nested object's other fields are data and keep their names. */
  private static void renameReadFields(ObjectNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      if (List.of("agent_id", "agent_ids", "turn_id", "request_id", "call_id", "is_error", "event_id", "on_busy")
          .contains(name) && !object.has(Key.of(name).camel())) {
        object.set(Key.of(name).camel(), object.remove(name));
      }
    }
  }

  @Test
  void flatAndNestedEventsDecodeAlike() {
    Fuzz.check("flat and nested events decode alike", 1000, random -> {
      FuzzInput in = new FuzzInput(random);
      String type = random.nextBoolean() ? "interaction_event" : "notification_event";
      ObjectNode event = in.eventFields();
      ObjectNode nested = FuzzInput.NODES.objectNode().put("type", type).put("agent_id", "brom");
      nested.set("event", event);
      ObjectNode flat = FuzzInput.NODES.objectNode().put("type", type).put("agent_id", "brom");
      flat.setAll(event.deepCopy());
      Object nestedResult = outcome(in.write(nested));
      Object flatResult = outcome(in.write(flat));
      assertThat(flatResult).as("flat %s nested %s", abbreviate(flat), abbreviate(nested)).isEqualTo(nestedResult);
    });
  }

  @Test
  void mutatedMessagesDecodeOrGetAProtocolError() {
    Fuzz.check("mutated messages decode or get a protocol error", 2000, random -> {
      FuzzInput in = new FuzzInput(random);
      ObjectNode message = in.validMessage();
      List<String> steps = new ArrayList<>();
      for (int i = 1 + random.nextInt(3); i > 0; i--) {
        steps.add(in.mutate(message));
      }
      String text = in.write(message);
      if (in.chance(15)) {
        text = in.mangle(text);
        steps.add("mangle");
      }
      check(text, steps);
    });
  }

  @Test
  void randomTextGetsAProtocolError() {
    Fuzz.check("random text decodes or gets a protocol error", 2000, random -> {
      FuzzInput in = new FuzzInput(random);
      String text = in.chance(50) ? in.text(60) : in.write(in.anyValue(4));
      check(text, List.of("random"));
    });
  }

  private void check(String text, List<String> steps) throws Exception {
    ClientMessage decoded;
    try {
      decoded = codec.decode(text, ids());
    } catch (ProtocolException e) {
      checkError(e, text, steps);
      return;
    } catch (Throwable t) {
      throw new AssertionError("decode threw " + t + " after " + steps + " for " + abbreviate(text), t);
    }
    checkAccepted(decoded, text);
  }

  private ClientMessage decodeOrThrow(String text, JsonNode source) {
    try {
      return codec.decode(text, ids());
    } catch (ProtocolException e) {
      return fail("a valid message was refused: " + e.code() + " " + e.getMessage() + " for " + abbreviate(source));
    }
  }

  /** The decoded message, or the error's code, field and message: what two decodings are compared by. */
  private Object outcome(String text) {
    try {
      return codec.decode(text, ids());
    } catch (ProtocolException e) {
      return List.of(e.code(), String.valueOf(e.field()).replace("event.", ""), e.getMessage().replace("event.", ""));
    }
  }

  private static Supplier<String> ids() {
    return () -> "generated-1";
  }

  private void checkError(ProtocolException e, String text, List<String> steps) throws Exception {
    String context = e.code() + " " + e.getMessage() + " after " + steps + " for " + abbreviate(text);
    assertThat(e.code()).as(context).isIn(DECODE_CODES);
    assertThat(e.getMessage()).as(context).isNotBlank();
    assertThat(INTERNALS.matcher(e.getMessage()).find()).as("internals in %s", context).isFalse();
    if (e.field() != null) {
      assertThat(e.getMessage()).as(context).contains(e.field());
    }
    JsonNode root = parseOrNull(text);
    if (e.code() == ErrorCode.INVALID_JSON) {
      assertThat(e.inReplyTo()).as(context).isNull();
    } else {
      checkKnownIds(e, (ObjectNode) root, context);
    }
    // The error frame for it is valid JSON that says the same.
    JsonNode frame = jackson.readTree(codec.error(e));
    assertThat(frame.get("code").textValue()).isEqualTo(e.code().wireName());
    String message = e.getMessage();
    if (message.length() <= ProtocolCodec.MAX_ERROR_MESSAGE_LENGTH) {
      assertThat(frame.get("message").textValue()).as(context).isEqualTo(message);
    }
    assertThat(frame.path("in_reply_to").textValue()).isEqualTo(e.inReplyTo());
    assertThat(frame.path("agent_id").textValue()).isEqualTo(e.agentId());
    assertThat(frame.path("turn_id").textValue()).isEqualTo(e.turnId());
    assertThat(frame.path("request_id").textValue()).isEqualTo(e.requestId());
    // Decoding is a function of the text.
    assertThat(outcome(text)).as(context).isEqualTo(List.of(e.code(), String.valueOf(e.field()).replace("event.", ""),
        e.getMessage().replace("event.", "")));
  }

  /** The type and ids an error names are those of the message whenever they are valid. */
  private static void checkKnownIds(ProtocolException e, ObjectNode root, String context) {
    JsonNode type = root.get("type");
    String expectedType = type != null && type.isTextual() ? ErrorContext.echoable(type.textValue()) : null;
    assertThat(e.inReplyTo()).as("in_reply_to of %s", context).isEqualTo(expectedType);
    JsonNode agentId = value(root, "agent_id", "agentId");
    if (agentId != null && agentId.isTextual() && FieldReader.agentIdProblem(agentId.textValue()) == null) {
      assertThat(e.agentId()).as("agent_id of %s", context).isEqualTo(agentId.textValue());
    } else if (agentId != null) {
      assertThat(e.agentId()).as("agent_id of %s", context).isNull();
    }
    JsonNode turnId = value(root, "turn_id", "turnId");
    if (turnId != null && turnId.isTextual() && ErrorContext.echoable(turnId.textValue()) != null) {
      assertThat(e.turnId()).as("turn_id of %s", context).isEqualTo(turnId.textValue());
    }
    JsonNode requestId = value(root, "request_id", "requestId");
    if (requestId != null && requestId.isTextual() && ErrorContext.echoable(requestId.textValue()) != null) {
      assertThat(e.requestId()).as("request_id of %s", context).isEqualTo(requestId.textValue());
    }
  }

  private static JsonNode value(ObjectNode root, String snake, String camel) {
    JsonNode v = root.get(snake);
    if (v == null || v.isNull()) {
      v = root.get(camel);
    }
    return v == null || v.isNull() ? null : v;
  }

  /** What holds of every accepted message: decoding is repeatable, a ping's id comes back in its pong, an event re-encodes to itself. */
  private void checkAccepted(ClientMessage decoded, String text) throws Exception {
    assertThat(codec.decode(text, ids())).isEqualTo(decoded);
    if (decoded instanceof ClientMessage.Ping ping) {
      JsonNode pong = jackson.readTree(codec.pong(ping.id(), 7));
      JsonNode sent = jackson.readTree(text).get("id");
      if (sent == null || sent.isNull()) {
        assertThat(pong.has("id")).isFalse();
      } else if (sent.isTextual() || sent.isIntegralNumber()) {
        assertThat(pong.get("id")).as("pong for %s", abbreviate(text)).isEqualTo(sent);
      } else {
        assertThat(pong.get("id").doubleValue()).as("pong for %s", abbreviate(text)).isEqualTo(sent.doubleValue());
      }
    }
    // The canonical form puts data two levels deeper; the codec's nesting limit is 64.
    if (decoded instanceof ClientMessage.InteractionEventMessage interaction && depth(jackson.readTree(text)) < 62) {
      InteractionEvent event = interaction.event();
      ObjectNode again = FuzzInput.NODES.objectNode().put("type", "interaction_event").put("agent_id", interaction.agentId());
      again.set("event", canonical(event));
      ClientMessage redecoded = codec.decode(jackson.writeValueAsString(again), ids());
      assertThat(redecoded).as("re-encoded %s", abbreviate(again)).isEqualTo(decoded);
    }
  }

  private static int depth(JsonNode node) {
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return node.isContainerNode() ? deepest + 1 : 0;
  }

  /** An event in its canonical wire form. */
  private ObjectNode canonical(InteractionEvent event) {
    ObjectNode e = FuzzInput.NODES.objectNode();
    e.put("event_id", event.eventId());
    e.put("kind", event.kind());
    if (event.source() != null) {
      e.put("source", event.source());
    }
    if (event.target() != null) {
      e.put("target", event.target());
    }
    e.put("text", event.text());
    e.put("timestamp", event.timestamp().toString());
    e.put("on_busy", event.onBusy().wireName());
    e.set("data", jackson.valueToTree(event.data()));
    return e;
  }

  private JsonNode parseOrNull(String text) {
    try {
      return jackson.readTree(text);
    } catch (Exception e) {
      return null;
    }
  }

  private static String abbreviate(Object text) {
    return Fuzz.printable(String.valueOf(text));
  }
}
