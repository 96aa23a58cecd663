package dev.gameagent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OnBusy;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the event of an {@code interaction_event} or {@code notification_event} into core's
 * canonical {@link InteractionEvent}, following the protocol's normalization table.
 *
 * <p>Each canonical field takes the first of its spellings present with a non-null value: the
 * canonical name, its camelCase form, then the aliases in the table's order. Every other field of
 * the event goes into {@code data} in the order sent, including an alias that lost to an earlier
 * spelling, so nothing the game sent is lost; a {@code data} object the event carries is merged in
 * at its place. Strings may be sent as numbers ({@code "text": 42} reads as {@code "42"}). Stateless
 * and thread-safe.
 */
final class EventNormalizer {

  /** A canonical event field and the names that may stand for it, in priority order. */
  private enum Role {
    EVENT_ID("event_id", "eventId", "id"),
    KIND("kind", "event_type", "eventType", "name"),
    SOURCE("source", "speaker", "actor", "from"),
    TARGET("target", "to"),
    TEXT("text", "message", "content", "utterance", "line"),
    TIMESTAMP("timestamp", "time", "ts"),
    ON_BUSY("on_busy", "onBusy");

    final List<String> names;

    Role(String... names) {
      this.names = List.of(names);
    }
  }

  /** The message's own fields, which a flat event does not include. */
  static final Set<String> INTERACTION_ENVELOPE = Set.of("type", "agent_id", "agentId", "event");
  static final Set<String> NOTIFICATION_ENVELOPE =
      Set.of("type", "agent_id", "agentId", "agent_ids", "agentIds", "event");

  private static final Key EVENT = Key.of("event");
  private static final Key ON_BUSY = Key.of("on_busy");
  private static final String DATA = "data";
  /** {@code type} names the kind only inside a nested event; at the top level it is the message type. */
  private static final String NESTED_KIND = "type";

  private final Clock clock;

  EventNormalizer(Clock clock) {
    this.clock = clock;
  }

  /**
   * Reads the event of a message: the nested {@code event} object when present, else the message's
   * own fields minus {@code envelope}.
   */
  InteractionEvent read(FieldReader message, Set<String> envelope, Supplier<String> eventIds) {
    JsonNode nested = message.value(EVENT);
    if (nested != null && !nested.isObject()) {
      throw message.errors().invalid(message.path(EVENT), "must be an object, got " + FieldReader.describe(nested));
    }
    if (nested == null) {
      return normalize(message.node(), "", envelope, false, null, eventIds, message.errors());
    }
    // A nested event may leave on_busy on the envelope, where game scripts tend to put it.
    JsonNode outerOnBusy = message.value(ON_BUSY);
    String outerOnBusyPath = message.path(ON_BUSY);
    return normalize((ObjectNode) nested, message.path(EVENT) + ".", Set.of(), true,
        outerOnBusy == null ? null : Map.entry(outerOnBusyPath, outerOnBusy), eventIds, message.errors());
  }

  private InteractionEvent normalize(ObjectNode event, String path, Set<String> envelope, boolean nested,
      Map.Entry<String, JsonNode> outerOnBusy, Supplier<String> eventIds, ErrorContext errors) {
    Role[] roles = Role.values();
    String[] winners = new String[roles.length];
    for (Role role : roles) {
      winners[role.ordinal()] = winner(event, role, nested);
    }

    Map<String, Object> data = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : event.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (envelope.contains(name) || isWinner(winners, name) || (value.isNull() && isAlias(name, nested))) {
        continue;
      }
      if (name.equals(DATA) && value.isObject()) {
        data.putAll(JsonTrees.toMap(value));
      } else {
        data.put(name, JsonTrees.toJava(value));
      }
    }

    String eventId = text(event, path, winners[Role.EVENT_ID.ordinal()], errors);
    if (eventId == null || eventId.isEmpty()) {
      eventId = eventIds.get();
    }
    return new InteractionEvent(
        eventId,
        text(event, path, winners[Role.KIND.ordinal()], errors),
        text(event, path, winners[Role.SOURCE.ordinal()], errors),
        text(event, path, winners[Role.TARGET.ordinal()], errors),
        text(event, path, winners[Role.TEXT.ordinal()], errors),
        timestamp(event, path, winners[Role.TIMESTAMP.ordinal()], errors),
        onBusy(event, path, winners[Role.ON_BUSY.ordinal()], outerOnBusy, errors),
        data);
  }

  /** The first name of the role present in the event with a non-null value, or null. */
  private static String winner(ObjectNode event, Role role, boolean nested) {
    for (String name : role.names) {
      if (event.hasNonNull(name)) {
        return name;
      }
    }
    return nested && role == Role.KIND && event.hasNonNull(NESTED_KIND) ? NESTED_KIND : null;
  }

  private static boolean isWinner(String[] winners, String name) {
    for (String winner : winners) {
      if (name.equals(winner)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAlias(String name, boolean nested) {
    for (Role role : Role.values()) {
      if (role.names.contains(name)) {
        return true;
      }
    }
    return nested && name.equals(NESTED_KIND);
  }

  private static String text(ObjectNode event, String path, String name, ErrorContext errors) {
    if (name == null) {
      return null;
    }
    JsonNode value = event.get(name);
    String text = FieldReader.scalarText(value);
    if (text == null) {
      throw errors.invalid(path + name, "must be a string, got " + FieldReader.describe(value));
    }
    return text;
  }

  private Instant timestamp(ObjectNode event, String path, String name, ErrorContext errors) {
    if (name == null) {
      return clock.instant();
    }
    JsonNode value = event.get(name);
    Instant instant = Timestamps.parse(value);
    if (instant == null) {
      throw errors.invalid(path + name, "must be epoch seconds, epoch milliseconds or an ISO-8601 date-time, got "
          + FieldReader.describe(value));
    }
    return instant;
  }

  private static OnBusy onBusy(ObjectNode event, String path, String name, Map.Entry<String, JsonNode> outer,
      ErrorContext errors) {
    JsonNode value;
    String field;
    if (name != null) {
      value = event.get(name);
      field = path + name;
    } else if (outer != null) {
      value = outer.getValue();
      field = outer.getKey();
    } else {
      return OnBusy.INTERRUPT;
    }
    if (!value.isTextual()) {
      throw errors.invalid(field, "must be \"interrupt\", \"queue\" or \"drop\", got " + FieldReader.describe(value));
    }
    try {
      return OnBusy.fromWire(value.textValue());
    } catch (IllegalArgumentException e) {
      throw errors.invalid(field, "must be \"interrupt\", \"queue\" or \"drop\", got " + FieldReader.describe(value));
    }
  }
}
