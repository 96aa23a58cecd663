package dev.gameagent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads the fields of one JSON object of a client message, accepting snake_case and camelCase
 * spellings, and reports problems through an {@link ErrorContext} under the field's path as the
 * client spelled it ({@code event.ts}, {@code tags[2].tag}). JSON {@code null} counts as absent.
 * Confined to the decoding thread.
 */
final class FieldReader {
  /** The longest agent id, in characters (code points). */
  static final int AGENT_ID_MAX = 128;

  private final ObjectNode node;
  private final String path;
  private final ErrorContext errors;

  /**
   * @param path the object's own path with a trailing dot ({@code "event."}), or {@code ""} at the top level
   */
  FieldReader(ObjectNode node, String path, ErrorContext errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  ObjectNode node() {
    return node;
  }

  ErrorContext errors() {
    return errors;
  }

  /** The value under the snake_case spelling, else the camelCase one; null when absent or JSON null. */
  JsonNode value(Key key) {
    JsonNode v = node.get(key.snake());
    if (v == null || v.isNull()) {
      v = node.get(key.camel());
    }
    return v == null || v.isNull() ? null : v;
  }

  /** The field's path as the client spelled it (the snake_case spelling when absent). */
  String path(Key key) {
    JsonNode snake = node.get(key.snake());
    boolean camel = (snake == null || snake.isNull()) && node.hasNonNull(key.camel());
    return path + (camel ? key.camel() : key.snake());
  }

  /** A string field; a number is taken as its JSON text (so {@code 42} reads as {@code "42"}). */
  String requiredText(Key key) {
    String text = optionalText(key);
    if (text == null) {
      throw errors.missing(path(key));
    }
    return text;
  }

  String optionalText(Key key) {
    JsonNode v = value(key);
    if (v == null) {
      return null;
    }
    String text = scalarText(v);
    if (text == null) {
      throw errors.invalid(path(key), "must be a string, got " + describe(v));
    }
    return text;
  }

  /** A non-empty string field with no control characters and at most 128 characters. */
  String requiredId(Key key) {
    JsonNode v = value(key);
    if (v == null) {
      throw errors.missing(path(key));
    }
    return checkAgentId(v, path(key));
  }

  boolean optionalBoolean(Key key, boolean absent) {
    JsonNode v = value(key);
    if (v == null) {
      return absent;
    }
    if (!v.isBoolean()) {
      throw errors.invalid(path(key), "must be true or false, got " + describe(v));
    }
    return v.booleanValue();
  }

  ObjectNode requiredObject(Key key) {
    JsonNode v = value(key);
    if (v == null) {
      throw errors.missing(path(key));
    }
    if (!v.isObject()) {
      throw errors.invalid(path(key), "must be an object, got " + describe(v));
    }
    return (ObjectNode) v;
  }

  ArrayNode optionalArray(Key key) {
    JsonNode v = value(key);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      throw errors.invalid(path(key), "must be a list, got " + describe(v));
    }
    return (ArrayNode) v;
  }

  /** A reader for the object at {@code item} of the array under {@code key}, e.g. {@code tags[2]}. */
  FieldReader item(Key key, ArrayNode array, int index) {
    String itemPath = path(key) + "[" + index + "]";
    JsonNode v = array.get(index);
    if (v == null || !v.isObject()) {
      throw errors.invalid(itemPath, "must be an object, got " + describe(v));
    }
    return new FieldReader((ObjectNode) v, itemPath + ".", errors);
  }

  /**
   * Validates an agent id: a string of 1 to 128 characters (code points) with no control characters.
   */
  String checkAgentId(JsonNode v, String field) {
    if (!v.isTextual()) {
      throw errors.invalid(field, "must be a string, got " + describe(v));
    }
    String id = v.textValue();
    String problem = agentIdProblem(id);
    if (problem != null) {
      throw errors.invalid(field, problem);
    }
    return id;
  }

  /** Why the string is not a valid agent id, or null when it is. */
  static String agentIdProblem(String id) {
    if (id.isEmpty()) {
      return "must not be empty";
    }
    if (id.length() > AGENT_ID_MAX && id.codePointCount(0, id.length()) > AGENT_ID_MAX) {
      return "must be at most " + AGENT_ID_MAX + " characters, got " + id.codePointCount(0, id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return "must not contain control characters (found U+" + String.format("%04X", (int) id.charAt(i))
            + " at index " + i + ")";
      }
    }
    return null;
  }

  /** A string's value, a number's JSON text; null for anything else. */
  static String scalarText(JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isNumber()) {
      return v.asText();
    }
    return null;
  }

  /** How a value looks, for "must be X, got Y" messages, without echoing big values. */
  static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "the string " + ErrorContext.quote(v.textValue());
    }
    if (v.isBoolean()) {
      return v.asText();
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    return v.isArray() ? "a list" : "an object";
  }
}
