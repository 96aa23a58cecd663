package dev.gameagent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.ToolResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Validates a parsed client message and builds its {@link ClientMessage}. Stateless and
 * thread-safe; each call gets its own {@link ErrorContext}.
 */
final class MessageDecoder {
  static final Key TYPE = Key.of("type");
  static final Key AGENT_ID = Key.of("agent_id");
  static final Key AGENT_IDS = Key.of("agent_ids");
  static final Key TURN_ID = Key.of("turn_id");
  static final Key REQUEST_ID = Key.of("request_id");
  static final Key ID = Key.of("id");
  static final Key STATE = Key.of("state");
  static final Key TAGS = Key.of("tags");
  static final Key TAG = Key.of("tag");
  static final Key ATTRIBUTES = Key.of("attributes");
  static final Key CONTENT = Key.of("content");
  static final Key BUFFER = Key.of("buffer");
  static final Key INTERRUPTED = Key.of("interrupted");
  static final Key RESULTS = Key.of("results");
  static final Key CALL_ID = Key.of("call_id");
  static final Key NAME = Key.of("name");
  static final Key OUTPUT = Key.of("output");
  static final Key IS_ERROR = Key.of("is_error");

  static final List<String> TYPES = List.of(
      ClientMessage.Ping.TYPE,
      ClientMessage.InteractionEventMessage.TYPE,
      ClientMessage.NotificationEventMessage.TYPE,
      ClientMessage.AgentStateSnapshot.TYPE,
      ClientMessage.AgentTurnResult.TYPE,
      ClientMessage.ToolResultsMessage.TYPE,
      ClientMessage.CancelTurn.TYPE,
      ClientMessage.ResetAgent.TYPE);

  private final EventNormalizer events;

  MessageDecoder(EventNormalizer events) {
    this.events = events;
  }

  ClientMessage decode(ObjectNode root, Supplier<String> eventIds) {
    ErrorContext errors = new ErrorContext();
    FieldReader message = new FieldReader(root, "", errors);
    // Before the type is checked, so that an error about the type names the agent too.
    readContext(message);
    JsonNode typeNode = root.get(TYPE.snake());
    if (typeNode == null || typeNode.isNull()) {
      throw errors.missing(TYPE.snake());
    }
    if (!typeNode.isTextual()) {
      throw errors.invalid(TYPE.snake(), "must be a string, got " + FieldReader.describe(typeNode));
    }
    String type = typeNode.textValue();
    errors.type = ErrorContext.echoable(type);
    switch (type) {
      case ClientMessage.Ping.TYPE:
        return ping(message);
      case ClientMessage.InteractionEventMessage.TYPE:
        return new ClientMessage.InteractionEventMessage(message.requiredId(AGENT_ID),
            events.read(message, EventNormalizer.INTERACTION_ENVELOPE, eventIds));
      case ClientMessage.NotificationEventMessage.TYPE:
        return notification(message, eventIds);
      case ClientMessage.AgentStateSnapshot.TYPE:
        return snapshot(message);
      case ClientMessage.AgentTurnResult.TYPE:
        return turnResult(message);
      case ClientMessage.ToolResultsMessage.TYPE:
        return toolResults(message);
      case ClientMessage.CancelTurn.TYPE:
        return new ClientMessage.CancelTurn(message.requiredId(AGENT_ID), message.optionalText(TURN_ID));
      case ClientMessage.ResetAgent.TYPE:
        return new ClientMessage.ResetAgent(message.requiredId(AGENT_ID));
      default:
        throw errors.error(ErrorCode.UNKNOWN_TYPE, TYPE.snake(),
            "unknown message type " + ErrorContext.quote(type) + "; expected one of " + String.join(", ", TYPES));
    }
  }

  /**
   * Records, before validating anything else, the ids an error about this message can name: only
   * values that are themselves valid, so an error never echoes a bad id.
   */
  private static void readContext(FieldReader message) {
    ErrorContext errors = message.errors();
    JsonNode agentId = message.value(AGENT_ID);
    if (agentId != null && agentId.isTextual() && FieldReader.agentIdProblem(agentId.textValue()) == null) {
      errors.agentId = agentId.textValue();
    }
    errors.turnId = echoableText(message.value(TURN_ID));
    errors.requestId = echoableText(message.value(REQUEST_ID));
  }

  private static String echoableText(JsonNode value) {
    return value == null ? null : ErrorContext.echoable(FieldReader.scalarText(value));
  }

  private static ClientMessage ping(FieldReader message) {
    JsonNode id = message.value(ID);
    if (id == null) {
      return new ClientMessage.Ping(null);
    }
    if (id.isTextual()) {
      return new ClientMessage.Ping(id.textValue());
    }
    if (id.isNumber()) {
      if (id.isFloatingPointNumber()) {
        // Echoed as a double, as documented; beyond its range most clients would read infinity.
        if (!Double.isFinite(id.doubleValue())) {
          throw message.errors().invalid(message.path(ID), "must be a string or a number, got a number too large to echo");
        }
        return new ClientMessage.Ping(id.doubleValue());
      }
      return new ClientMessage.Ping(id.numberValue());
    }
    throw message.errors().invalid(message.path(ID), "must be a string or a number, got " + FieldReader.describe(id));
  }

  private ClientMessage notification(FieldReader message, Supplier<String> eventIds) {
    Set<String> agentIds = new LinkedHashSet<>();
    JsonNode single = message.value(AGENT_ID);
    if (single != null) {
      agentIds.add(message.checkAgentId(single, message.path(AGENT_ID)));
    }
    ArrayNode list = message.optionalArray(AGENT_IDS);
    if (list != null) {
      if (list.isEmpty() && agentIds.isEmpty()) {
        throw message.errors().invalid(message.path(AGENT_IDS), "must not be empty");
      }
      for (int i = 0; i < list.size(); i++) {
        agentIds.add(message.checkAgentId(list.get(i), message.path(AGENT_IDS) + "[" + i + "]"));
      }
    }
    if (agentIds.isEmpty()) {
      throw message.errors().error(ErrorCode.MISSING_FIELD, AGENT_ID.snake(),
          "agent_id is missing (a notification_event names its agents in agent_id or agent_ids)");
    }
    if (agentIds.size() == 1) {
      message.errors().agentId = agentIds.iterator().next();
    }
    InteractionEvent event = events.read(message, EventNormalizer.NOTIFICATION_ENVELOPE, eventIds);
    return new ClientMessage.NotificationEventMessage(new ArrayList<>(agentIds), event);
  }

  private static ClientMessage snapshot(FieldReader message) {
    String agentId = message.requiredId(AGENT_ID);
    String requestId = message.optionalText(REQUEST_ID);
    ObjectNode state = message.requiredObject(STATE);
    return new ClientMessage.AgentStateSnapshot(agentId, requestId, JsonTrees.toMap(state));
  }

  private static ClientMessage turnResult(FieldReader message) {
    String agentId = message.requiredId(AGENT_ID);
    String turnId = message.requiredText(TURN_ID);
    boolean interrupted = message.optionalBoolean(INTERRUPTED, false);
    ArrayNode tagsNode = message.optionalArray(TAGS);
    if (tagsNode != null) {
      List<ConfirmedTag> tags = new ArrayList<>(tagsNode.size());
      for (int i = 0; i < tagsNode.size(); i++) {
        tags.add(confirmedTag(message.item(TAGS, tagsNode, i)));
      }
      return new ClientMessage.AgentTurnResult(agentId, turnId, tags, null, interrupted);
    }
    String buffer = message.optionalText(BUFFER);
    if (buffer == null) {
      throw message.errors().error(ErrorCode.MISSING_FIELD, TAGS.snake(),
          "tags is missing (an agent_turn_result carries tags or buffer)");
    }
    return new ClientMessage.AgentTurnResult(agentId, turnId, null, buffer, interrupted);
  }

  private static ConfirmedTag confirmedTag(FieldReader item) {
    String tag = item.requiredText(TAG);
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode attributesNode = item.value(ATTRIBUTES);
    if (attributesNode != null) {
      if (!attributesNode.isObject()) {
        throw item.errors().invalid(item.path(ATTRIBUTES), "must be an object, got " + FieldReader.describe(attributesNode));
      }
      FieldReader attributeReader = new FieldReader((ObjectNode) attributesNode, item.path(ATTRIBUTES) + ".", item.errors());
      for (Map.Entry<String, JsonNode> attribute : attributesNode.properties()) {
        String value = attributeReader.optionalText(new Key(attribute.getKey(), attribute.getKey()));
        if (value != null) {
          attributes.put(attribute.getKey(), value);
        }
      }
    }
    return new ConfirmedTag(tag, attributes, item.optionalText(CONTENT));
  }

  private static ClientMessage toolResults(FieldReader message) {
    String agentId = message.requiredId(AGENT_ID);
    String turnId = message.requiredText(TURN_ID);
    ArrayNode resultsNode = message.optionalArray(RESULTS);
    if (resultsNode == null) {
      throw message.errors().missing(message.path(RESULTS));
    }
    List<ToolResult> results = new ArrayList<>(resultsNode.size());
    for (int i = 0; i < resultsNode.size(); i++) {
      FieldReader item = message.item(RESULTS, resultsNode, i);
      JsonNode output = item.value(OUTPUT);
      results.add(new ToolResult(
          item.requiredText(CALL_ID),
          item.optionalText(NAME),
          output == null ? null : JsonTrees.toJava(output),
          item.optionalBoolean(IS_ERROR, false)));
    }
    return new ClientMessage.ToolResultsMessage(agentId, turnId, results);
  }
}
