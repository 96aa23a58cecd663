package dev.gameagent.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable copies of JSON-like trees: maps with string keys (order kept), lists, strings, numbers,
 * booleans and nulls. Anything else is rejected with an {@link IllegalArgumentException} naming
 * where it was, so a spec never holds a value that cannot be rendered or sent as JSON. Stateless.
 */
final class JsonTree {
  private JsonTree() {}

  /**
   * An immutable deep copy of {@code value}.
   *
   * @param path names the value in errors, e.g. {@code world_state}
   */
  static Object copy(Object value, String path) {
    try {
      return copy(value, true);
    } catch (Invalid e) {
      throw e.toIllegalArgument(path);
    }
  }

  /** An immutable deep copy of {@code map}, whose keys must be strings. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> copyMap(Map<?, ?> map, String path) {
    return (Map<String, Object>) copy(map, path);
  }

  /**
   * An immutable copy of the maps and lists in {@code value}, at any depth; every other value (a
   * scalar, or a game's own object, rendered as its text) is kept as it is, never rejected.
   */
  static Object copyStructure(Object value) {
    return copy(value, false);
  }

  /**
   * The copy; {@code strict} rejects keys that are not strings and values that are not JSON. Paths
   * are built only when a value is rejected: a spec is copied on every turn.
   */
  private static Object copy(Object value, boolean strict) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return Map.of();
      }
      Map<Object, Object> copy = new LinkedHashMap<>(map.size() * 4 / 3 + 1);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (strict && !(e.getKey() instanceof String)) {
          throw new Invalid("must have string keys, not " + e.getKey());
        }
        try {
          copy.put(e.getKey(), copy(e.getValue(), strict));
        } catch (Invalid invalid) {
          throw invalid.under("." + e.getKey());
        }
      }
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        return List.of();
      }
      List<Object> copy = new ArrayList<>(list.size());
      int i = 0;
      for (Object item : list) {
        try {
          copy.add(copy(item, strict));
        } catch (Invalid invalid) {
          throw invalid.under("[" + i + "]");
        }
        i++;
      }
      return Collections.unmodifiableList(copy);
    }
    if (!strict || value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
      return value;
    }
    throw new Invalid("must be a string, number, boolean, null, list or object, not " + value.getClass().getName());
  }

  /** A rejected value; collects the path to it while the recursion unwinds. */
  private static final class Invalid extends RuntimeException {
    private final StringBuilder path = new StringBuilder();

    Invalid(String problem) {
      super(problem, null, false, false);
    }

    Invalid under(String segment) {
      path.insert(0, segment);
      return this;
    }

    IllegalArgumentException toIllegalArgument(String root) {
      return new IllegalArgumentException(root + path + " " + getMessage());
    }
  }
}
