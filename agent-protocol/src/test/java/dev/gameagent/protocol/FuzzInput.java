package dev.gameagent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random client messages for the decode fuzz tests: valid messages of every client type, mutations
 * of them (fields deleted, retyped, renamed to camelCase, nested deep, made huge), hostile strings and
 * numbers, timestamps in accepted and rejected forms, and a JSON writer that can repeat a key and
 * escape any character. Not thread-safe; one per test.
 */
final class FuzzInput {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Random random;

  FuzzInput(Random random) {
    this.random = random;
  }

  boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  // ---- strings ----

  /** Any string: quotes, backslashes, control characters, emoji, unpaired surrogates, up to {@code max} chars. */
  String text(int max) {
    int length = random.nextInt(max + 1);
    StringBuilder s = new StringBuilder(length + 1);
    while (s.length() < length) {
      switch (random.nextInt(11)) {
        case 0 -> s.append(random.nextBoolean() ? '"' : '\\');
        case 1 -> s.append((char) random.nextInt(0x20));
        case 2 -> s.append((char) (0x7F + random.nextInt(0x21)));
        case 3 -> s.appendCodePoint(0xA0 + random.nextInt(0x700));
        case 4 -> s.append((char) (0x800 + random.nextInt(0xD800 - 0x800)));
        case 5 -> s.appendCodePoint(0x1F600 + random.nextInt(80));
        case 6 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000));
        case 7 -> s.append((char) (0xD800 + random.nextInt(0x800)));
        case 8 -> s.append(pick(List.of("\u2028", "\u2029", "\uFEFF", "\uFFFF", "\u0000", "\r\n")));
        default -> s.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return s.toString();
  }

  /** A valid id: 1 to 128 code points, no control characters; sometimes emoji or an unpaired surrogate. */
  String id() {
    int kind = random.nextInt(10);
    if (kind < 5) {
      return pick(List.of("brom", "guard-1", "npc_7", "Ölaf", "村人", "a")) + (chance(50) ? "" : random.nextInt(1000));
    }
    int codePoints = kind == 9 ? 128 : 1 + random.nextInt(20);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < codePoints; i++) {
      switch (random.nextInt(5)) {
        case 0 -> s.appendCodePoint(0x1F600 + random.nextInt(80));
        case 1 -> s.append((char) (0xD800 + random.nextInt(0x800)));
        case 2 -> s.appendCodePoint(0xA0 + random.nextInt(0x700));
        default -> s.append((char) ('!' + random.nextInt(0x5E)));
      }
    }
    return s.toString();
  }

  /** An id that breaks the rules: empty, too long, or with a control character. */
  String badId() {
    return switch (random.nextInt(4)) {
      case 0 -> "";
      case 1 -> "x".repeat(129 + random.nextInt(100));
      case 2 -> "\uD83D\uDE00".repeat(129);
      default -> id() + (char) (random.nextBoolean() ? random.nextInt(0x20) : 0x7F + random.nextInt(0x21)) + id();
    };
  }

  // ---- values ----

  /** A number that stresses range: huge integers and floats, tiny floats, negative zero. */
  JsonNode hugeNumber() {
    return switch (random.nextInt(8)) {
      case 0 -> NODES.numberNode(new BigInteger("9".repeat(1 + random.nextInt(400))));
      case 1 -> NODES.numberNode(Long.MIN_VALUE);
      case 2 -> NODES.numberNode(new BigDecimal("1e" + (300 + random.nextInt(200))));
      case 3 -> NODES.numberNode(new BigDecimal("-1e" + (300 + random.nextInt(200))));
      case 4 -> NODES.numberNode(new BigDecimal("1e-" + (300 + random.nextInt(200))));
      case 5 -> NODES.numberNode(-0.0);
      case 6 -> NODES.numberNode(Double.MAX_VALUE);
      default -> NODES.numberNode(new BigDecimal("0." + "1".repeat(1 + random.nextInt(60))));
    };
  }

  /** A scalar, list or object of any type, at most {@code depth} levels deep. */
  JsonNode anyValue(int depth) {
    int kind = random.nextInt(depth > 0 ? 10 : 8);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextInt(2000) - 1000);
      case 3 -> NODES.numberNode(random.nextDouble() * 1e6);
      case 4 -> hugeNumber();
      case 5, 6 -> NODES.textNode(text(24));
      case 7 -> NODES.textNode(id());
      case 8 -> {
        ArrayNode a = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          a.add(anyValue(depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          o.set(fieldName(), anyValue(depth - 1));
        }
        yield o;
      }
    };
  }

  /** A field name, mostly plain, sometimes with odd characters (never an unpaired surrogate: Jackson refuses those in names). */
  String fieldName() {
    if (chance(70)) {
      return pick(List.of("x", "hp", "zone", "data", "id", "name", "type", "weather", "item_count", "mood")) + random.nextInt(5);
    }
    String s = text(12);
    StringBuilder clean = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        clean.append(c).append(s.charAt(++i));
      } else if (!Character.isSurrogate(c)) {
        clean.append(c);
      }
    }
    return clean.toString();
  }

  /** Deeply nested lists and objects, {@code depth} levels. */
  JsonNode nested(int depth) {
    JsonNode v = NODES.textNode("deep");
    for (int i = 0; i < depth; i++) {
      if (random.nextBoolean()) {
        v = NODES.arrayNode().add(v);
      } else {
        ObjectNode o = NODES.objectNode();
        o.set("n", v);
        v = o;
      }
    }
    return v;
  }

  /** A timestamp in one of the accepted forms. */
  JsonNode timestamp() {
    long seconds = 1_700_000_000L + random.nextInt(100_000_000);
    return switch (random.nextInt(12)) {
      case 0 -> NODES.numberNode(seconds);
      case 1 -> NODES.numberNode(seconds * 1000 + random.nextInt(1000));
      case 2 -> NODES.numberNode(seconds + random.nextInt(1000) / 1000.0);
      case 3 -> NODES.textNode(Long.toString(seconds));
      case 4 -> NODES.textNode(" " + seconds * 1000 + " ");
      case 5 -> NODES.textNode(seconds + "." + random.nextInt(1_000_000));
      case 6 -> NODES.textNode("2024-01-15T12:00:00Z");
      case 7 -> NODES.textNode("2024-01-15T12:00:00.123456789+02:00");
      case 8 -> NODES.textNode("2024-01-15 12:00:00");
      case 9 -> NODES.textNode("2024-01-15T12:00:00[Europe/Paris]");
      case 10 -> NODES.textNode("2024-02-29");
      default -> NODES.textNode("2024-01-15t12:00z");
    };
  }

  /** A timestamp in a form that must be refused. */
  JsonNode badTimestamp() {
    return switch (random.nextInt(16)) {
      case 0 -> NODES.textNode("2023-02-29");
      case 1 -> NODES.textNode("2024-01-15T24:00:00Z");
      case 2 -> NODES.textNode("yesterday");
      case 3 -> NODES.textNode("");
      case 4 -> NODES.textNode("1e9");
      case 5 -> NODES.textNode("NaN");
      case 6 -> NODES.booleanNode(true);
      case 7 -> NODES.arrayNode().add(1);
      case 8 -> NODES.objectNode();
      case 9 -> NODES.numberNode(new BigDecimal("1e400"));
      case 10 -> NODES.numberNode(new BigInteger("9".repeat(30)));
      case 11 -> NODES.textNode("9".repeat(39));
      case 12 -> NODES.textNode("2024-01-15T12:00:00[Mars/Olympus]");
      case 13 -> NODES.textNode("-");
      case 14 -> NODES.textNode("2024-13-01");
      default -> NODES.textNode(text(20));
    };
  }

  // ---- messages ----

  static final List<String> TYPES = MessageDecoder.TYPES;

  /** A valid message of a random client type. */
  ObjectNode validMessage() {
    return validMessage(pick(TYPES));
  }

  ObjectNode validMessage(String type) {
    ObjectNode m = NODES.objectNode();
    m.put("type", type);
    switch (type) {
      case "ping" -> {
        if (chance(70)) {
          m.set("id", random.nextBoolean() ? NODES.textNode(text(10)) : NODES.numberNode(random.nextLong()));
        }
      }
      case "interaction_event" -> {
        m.put("agent_id", id());
        addEvent(m, random.nextBoolean());
      }
      case "notification_event" -> {
        if (chance(60)) {
          m.put("agent_id", id());
        }
        if (!m.has("agent_id") || chance(30)) {
          ArrayNode ids = m.putArray("agent_ids");
          for (int i = 1 + random.nextInt(3); i > 0; i--) {
            ids.add(id());
          }
        }
        addEvent(m, random.nextBoolean());
      }
      case "agent_state_snapshot" -> {
        m.put("agent_id", id());
        if (chance(60)) {
          m.put("request_id", "r-" + random.nextInt(100));
        }
        ObjectNode state = m.putObject("state");
        state.put("name", text(10));
        for (int i = random.nextInt(4); i > 0; i--) {
          state.set(fieldName(), anyValue(2));
        }
      }
      case "agent_turn_result" -> {
        m.put("agent_id", id());
        m.put("turn_id", "t-" + random.nextInt(100));
        if (chance(50)) {
          m.put("interrupted", random.nextBoolean());
        }
        if (random.nextBoolean()) {
          m.put("buffer", "<speech>" + text(30) + "</speech>");
        } else {
          ArrayNode tags = m.putArray("tags");
          for (int i = random.nextInt(4); i > 0; i--) {
            ObjectNode tag = tags.addObject();
            tag.put("tag", pick(List.of("speech", "emotion", "action")));
            if (random.nextBoolean()) {
              tag.putObject("attributes").put(fieldName(), text(8));
            }
            if (random.nextBoolean()) {
              tag.put("content", text(30));
            }
          }
        }
      }
      case "tool_results" -> {
        m.put("agent_id", id());
        m.put("turn_id", "t-" + random.nextInt(100));
        ArrayNode results = m.putArray("results");
        for (int i = random.nextInt(3); i > 0; i--) {
          ObjectNode r = results.addObject();
          r.put("call_id", "t-1.c" + i);
          if (random.nextBoolean()) {
            r.put("name", "check_inventory");
          }
          if (random.nextBoolean()) {
            r.set("output", anyValue(2));
          }
          if (random.nextBoolean()) {
            r.put("is_error", random.nextBoolean());
          }
        }
      }
      case "cancel_turn" -> {
        m.put("agent_id", id());
        if (random.nextBoolean()) {
          m.put("turn_id", "t-" + random.nextInt(100));
        }
      }
      default -> m.put("agent_id", id());
    }
    return m;
  }

  /** Random event fields under canonical names, aliases and extra names; never an envelope name. */
  ObjectNode eventFields() {
    ObjectNode e = NODES.objectNode();
    List<String[]> roles = List.of(
        new String[] {"event_id", "eventId", "id"},
        new String[] {"kind", "event_type", "eventType", "name"},
        new String[] {"source", "speaker", "actor", "from"},
        new String[] {"target", "to"},
        new String[] {"text", "message", "content", "utterance", "line"});
    for (String[] names : roles) {
      if (chance(60)) {
        e.put(names[random.nextInt(names.length)], random.nextInt(10) == 0 ? Integer.toString(random.nextInt(9)) : text(16));
      }
      if (chance(10)) {
        e.put(names[random.nextInt(names.length)], text(8));
      }
    }
    if (chance(60)) {
      e.set(pick(List.of("timestamp", "time", "ts")), timestamp());
    }
    if (chance(40)) {
      e.put(pick(List.of("on_busy", "onBusy")), pick(List.of("interrupt", "queue", "drop", " QUEUE ", "Drop")));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      String name = fieldName();
      if (!EventNormalizer.NOTIFICATION_ENVELOPE.contains(name)) {
        e.set(name, anyValue(2));
      }
    }
    if (chance(20)) {
      e.set("data", anyValue(2));
    }
    return e;
  }

  private void addEvent(ObjectNode message, boolean nested) {
    ObjectNode event = eventFields();
    if (nested) {
      if (chance(20)) {
        event.put("type", text(8));
      }
      message.set("event", event);
    } else {
      event.properties().forEach(f -> message.set(f.getKey(), f.getValue()));
    }
  }

  // ---- mutations ----

  /** Every object in the tree with its path, the root first. */
  static List<ObjectNode> objects(JsonNode root) {
    List<ObjectNode> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private static void collect(JsonNode node, List<ObjectNode> out) {
    if (node.isObject()) {
      out.add((ObjectNode) node);
    }
    for (JsonNode child : node) {
      collect(child, out);
    }
  }

  /** Applies one random mutation somewhere in the tree; returns what it did. */
  String mutate(ObjectNode root) {
    List<ObjectNode> objects = objects(root);
    // The top level and the event are where decoding happens; weigh them up.
    ObjectNode target = chance(60) ? root : pick(objects);
    List<String> names = new ArrayList<>();
    target.fieldNames().forEachRemaining(names::add);
    String name = names.isEmpty() ? fieldName() : pick(names);
    switch (random.nextInt(11)) {
      case 0:
        target.remove(name);
        return "delete " + name;
      case 1:
      case 2:
        target.set(name, anyValue(2));
        return "retype " + name;
      case 3: {
        String camel = Key.of(name).camel();
        JsonNode v = target.remove(name);
        target.set(camel, v == null ? anyValue(1) : v);
        return "camel " + name;
      }
      case 4:
        target.set(name, nested(10 + random.nextInt(70)));
        return "nest " + name;
      case 5:
        target.put(name, chance(20) ? text(20).repeat(20_000 + random.nextInt(40_000)) : text(5000));
        return "huge " + name;
      case 6:
        target.put(pick(List.of("agent_id", "agentId", "turn_id", "request_id", "call_id")),
            random.nextBoolean() ? badId() : text(12));
        return "bad id";
      case 7:
        target.set(name, hugeNumber());
        return "huge number " + name;
      case 8:
        target.set(pick(List.of("timestamp", "time", "ts")), random.nextBoolean() ? timestamp() : badTimestamp());
        return "timestamp";
      case 9: {
        // Flat to nested or back.
        JsonNode event = root.remove("event");
        if (event instanceof ObjectNode nested) {
          nested.properties().forEach(f -> root.set(f.getKey(), f.getValue()));
          return "flatten";
        }
        ObjectNode moved = root.putObject("event");
        for (String n : names) {
          if (!EventNormalizer.NOTIFICATION_ENVELOPE.contains(n) && target == root) {
            moved.set(n, root.remove(n));
          }
        }
        return "nest event";
      }
      default:
        target.set(fieldName(), anyValue(3));
        return "add field";
    }
  }

  /** A text-level mutation: cut, insert, delete or replace one character. */
  String mangle(String json) {
    if (json.isEmpty()) {
      return text(5);
    }
    int at = random.nextInt(json.length());
    return switch (random.nextInt(4)) {
      case 0 -> json.substring(0, at);
      case 1 -> json.substring(0, at) + pick(List.of("{", "}", "[", "]", ",", ":", "\"", "\\", "\u0000", "\uD800", "1e", "nul"))
          + json.substring(at);
      case 2 -> json.substring(0, at) + json.substring(at + 1);
      default -> json.substring(0, at) + text(3) + json.substring(at + 1);
    };
  }

  // ---- writing ----

  /**
   * Writes the tree as JSON text, sometimes escaping every non-ASCII character, sometimes repeating
   * a key with a random value before its real one (JSON allows it; the last value wins), sometimes
   * with whitespace between tokens.
   */
  String write(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out, chance(20), chance(20), chance(15));
    return out.toString();
  }

  private void write(JsonNode node, StringBuilder out, boolean escapeAll, boolean duplicates, boolean spaced) {
    String gap = spaced ? pick(List.of(" ", "\n", "\t", "\r\n  ")) : "";
    if (node.isObject()) {
      out.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (duplicates && chance(20)) {
          first = member(out, first, gap, field.getKey(), anyValue(1), escapeAll, duplicates, spaced);
        }
        first = member(out, first, gap, field.getKey(), field.getValue(), escapeAll, duplicates, spaced);
      }
      out.append(gap).append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        out.append(i == 0 ? gap : "," + gap);
        write(node.get(i), out, escapeAll, duplicates, spaced);
      }
      out.append(gap).append(']');
    } else if (node.isTextual()) {
      string(node.textValue(), out, escapeAll);
    } else {
      out.append(node.toString());
    }
  }

  private boolean member(StringBuilder out, boolean first, String gap, String name, JsonNode value,
      boolean escapeAll, boolean duplicates, boolean spaced) {
    out.append(first ? gap : "," + gap);
    string(name, out, escapeAll);
    out.append(gap).append(':').append(gap);
    write(value, out, escapeAll, duplicates, spaced);
    return false;
  }

  private static void string(String s, StringBuilder out, boolean escapeAll) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || (escapeAll && c > 0x7E) || Character.isSurrogate(c) && !escapeAll && isLone(s, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private static boolean isLone(String s, int i) {
    char c = s.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
        : i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
  }
}
