package dev.gameagent.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.StateRequest;
import dev.gameagent.core.TurnEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The JSON codec of protocol v1: decodes client messages into {@link ClientMessage}s (validating
 * every field and normalizing events) and encodes every server message as UTF-8 JSON bytes, one
 * WebSocket text frame each.
 *
 * <pre>{@code
 * ProtocolCodec codec = ProtocolCodec.newBuilder().build();
 * try {
 *   ClientMessage message = codec.decode(frameText, session::newEventId);
 *   ...
 * } catch (ProtocolException e) {
 *   send(codec.error(e));
 * }
 * send(codec.turnEvent(event)); // from a TurnListener
 * }</pre>
 *
 * <p>Thread-safe and meant to be shared: one configured Jackson mapper serves every connection. Input
 * is parsed under limits (nesting depth, string length, message length) so that a hostile message
 * costs bounded work; exceeding one is an {@code invalid_json} error naming the limit. The tag
 * events ({@code agent_tag_open}, {@code agent_tag_chunk}, {@code agent_tag_close}), sent once per
 * streamed token, are written by a hand-written UTF-8 writer whose output is byte for byte Jackson's.
 */
public final class ProtocolCodec {
  /** The {@code protocol_version} this codec speaks. */
  public static final int PROTOCOL_VERSION = 1;
  /** The longest {@code error.message}, in characters; a longer one is cut and ends in an ellipsis. */
  static final int MAX_ERROR_MESSAGE_LENGTH = 512;

  private final ObjectMapper mapper;
  private final Clock clock;
  private final Limits limits;
  private final MessageDecoder decoder;
  private final ServerMessageWriter writer;

  private ProtocolCodec(Builder builder) {
    this.clock = builder.clock;
    this.limits = new Limits(builder.maxNestingDepth, builder.maxStringLength, builder.maxMessageLength);
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(limits.nestingDepth)
            .maxStringLength(limits.stringLength)
            .maxDocumentLength(limits.messageLength)
            .build())
        // Emoji as real UTF-8; only unpaired surrogates (which have none) are escaped.
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .build();
    this.mapper = JsonMapper.builder(factory)
        // Floats as written: a timestamp's nanoseconds and a number beyond double's range survive.
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .build();
    this.decoder = new MessageDecoder(new EventNormalizer(clock));
    this.writer = new ServerMessageWriter(factory);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Decodes one client message.
   *
   * @param text the text of one WebSocket frame
   * @param eventIds supplies an id for an event that came without one (the server passes
   *     {@code GameSession::newEventId}); called at most once per message
   * @throws ProtocolException with {@code invalid_json}, {@code missing_field},
   *     {@code invalid_field} or {@code unknown_type}, naming the field and what could be read
   */
  public ClientMessage decode(String text, Supplier<String> eventIds) {
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(eventIds, "eventIds == null");
    JsonNode root = parse(text);
    if (!root.isObject()) {
      throw syntaxError("a message must be a JSON object, got " + FieldReader.describe(root));
    }
    return decoder.decode((ObjectNode) root, eventIds);
  }

  private JsonNode parse(String text) {
    if (text.length() > limits.messageLength) {
      throw syntaxError("the message is longer than " + limits.messageLength + " characters");
    }
    try (JsonParser parser = mapper.createParser(text)) {
      JsonNode root = mapper.readTree(parser);
      if (root == null || root.isMissingNode()) {
        throw syntaxError("the message is empty");
      }
      if (parser.nextToken() != null) {
        throw syntaxError("unexpected content after the JSON object" + at(parser.currentLocation()));
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw syntaxError(limits.describe(e));
    } catch (JsonProcessingException e) {
      throw syntaxError(JsonErrors.describe(e));
    } catch (IOException e) {
      throw syntaxError("not valid JSON");
    } catch (NumberFormatException e) {
      // Read exactly, a float's exponent must fit in an int: 1e9999999999 does not.
      throw syntaxError("a number is out of range");
    }
  }

  private static ProtocolException syntaxError(String message) {
    return new ProtocolException(ErrorCode.INVALID_JSON, null, message, null, null, null, null);
  }

  static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** {@code session_started}: the first message on every connection. */
  public byte[] sessionStarted(String sessionId, String serverName, String serverVersion, boolean resumed) {
    return writer.sessionStarted(sessionId, serverName, serverVersion, resumed);
  }

  /**
   * {@code pong}, answering a {@code ping}.
   *
   * @param id the ping's id as decoded ({@link ClientMessage.Ping#id()}), or null to leave it out
   */
  public byte[] pong(Object id, long serverTimeMs) {
    return writer.pong(id, serverTimeMs);
  }

  /** {@code get_agent_state}: asks the game for the agent's spec before a turn. */
  public byte[] getAgentState(StateRequest request) {
    Objects.requireNonNull(request, "request == null");
    return writer.getAgentState(request);
  }

  /**
   * {@code error}. The nullable fields are left out when null. A message longer than 512 characters
   * is cut (ending in an ellipsis): messages may quote what the client sent, e.g. an unknown
   * {@code turn_id}, and an answer should not echo a huge value back.
   *
   * @param inReplyTo the {@code type} of the message this answers, or null
   */
  public byte[] error(ErrorCode code, String message, String inReplyTo, String agentId, String turnId,
      String requestId) {
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(message, "message == null");
    return writer.error(code, bounded(message), inReplyTo, agentId, turnId, requestId);
  }

  private static String bounded(String message) {
    if (message.length() <= MAX_ERROR_MESSAGE_LENGTH) {
      return message;
    }
    int end = MAX_ERROR_MESSAGE_LENGTH - 1;
    if (Character.isHighSurrogate(message.charAt(end - 1))) {
      end--;
    }
    return message.substring(0, end) + '\u2026';
  }

  /** {@code error} for a message {@link #decode} rejected, naming what it could read of it. */
  public byte[] error(ProtocolException e) {
    return error(e.code(), e.getMessage(), e.inReplyTo(), e.agentId(), e.turnId(), e.requestId());
  }

  /**
   * The message for a turn event: {@code agent_turn_started}, {@code agent_tag_open},
   * {@code agent_tag_chunk}, {@code agent_tag_close}, {@code agent_turn_interrupted} or
   * {@code agent_turn_finished}. Allocation-light for the tag events: the returned array is the only
   * allocation, so a server may wrap it without copying.
   */
  public byte[] turnEvent(TurnEvent event) {
    Objects.requireNonNull(event, "event == null");
    if (event instanceof TurnEvent.TagChunk) {
      return TagEventWriter.chunk((TurnEvent.TagChunk) event);
    }
    if (event instanceof TurnEvent.TagOpen) {
      return TagEventWriter.open((TurnEvent.TagOpen) event);
    }
    if (event instanceof TurnEvent.TagClose) {
      return TagEventWriter.close((TurnEvent.TagClose) event);
    }
    if (event instanceof TurnEvent.Started) {
      return writer.started((TurnEvent.Started) event);
    }
    if (event instanceof TurnEvent.Interrupted) {
      return writer.interrupted((TurnEvent.Interrupted) event);
    }
    return writer.finished((TurnEvent.Finished) event);
  }

  /** The configured mapper, for tests that compare against Jackson. */
  ObjectMapper mapper() {
    return mapper;
  }

  ServerMessageWriter writer() {
    return writer;
  }

  Clock clock() {
    return clock;
  }

  /** The parse limits, and how a violation of each reads in an error. */
  private static final class Limits {
    final int nestingDepth;
    final int stringLength;
    final int messageLength;

    Limits(int nestingDepth, int stringLength, int messageLength) {
      this.nestingDepth = nestingDepth;
      this.stringLength = stringLength;
      this.messageLength = messageLength;
    }

    /** Names the limit Jackson reports, without Jackson's wording (which cites its own classes). */
    String describe(StreamConstraintsException e) {
      String jackson = String.valueOf(e.getOriginalMessage());
      if (jackson.contains("nesting depth")) {
        return "the message nests deeper than " + nestingDepth + " levels";
      }
      if (jackson.startsWith("String value length")) {
        return "a string is longer than " + stringLength + " characters";
      }
      if (jackson.startsWith("Document length")) {
        return "the message is longer than " + messageLength + " characters";
      }
      if (jackson.startsWith("Number value length")) {
        return "a number has too many digits";
      }
      if (jackson.startsWith("Name length")) {
        return "a field name is too long";
      }
      return "the message exceeds a size limit";
    }
  }

  /** Configures a {@link ProtocolCodec}. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int maxNestingDepth = 64;
    private int maxStringLength = 1 << 20;
    private int maxMessageLength = 1 << 20;

    private Builder() {}

    /** The clock that stamps events sent without a timestamp; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How deep objects and arrays may nest; 64 by default. */
    public Builder maxNestingDepth(int depth) {
      this.maxNestingDepth = positive(depth, "maxNestingDepth");
      return this;
    }

    /** The longest string value, in characters; 1 MiB by default. */
    public Builder maxStringLength(int length) {
      this.maxStringLength = positive(length, "maxStringLength");
      return this;
    }

    /**
     * The longest message, in characters; 1 MiB by default, matching the server's default frame
     * limit in bytes (a message has no more characters than bytes). Raise both together.
     */
    public Builder maxMessageLength(int length) {
      this.maxMessageLength = positive(length, "maxMessageLength");
      return this;
    }

    public ProtocolCodec build() {
      return new ProtocolCodec(this);
    }

    private static int positive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
