package dev.gameagent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Jackson tree into the plain Java tree that core's values hold: objects become unmodifiable
 * insertion-ordered maps, arrays unmodifiable lists, and scalars {@link String}, {@link Boolean},
 * {@link Integer}, {@link Long}, {@link java.math.BigInteger}, {@link Double} (a
 * {@link java.math.BigDecimal} for a number beyond double's range) or null. The depth is
 * bounded by the codec's nesting limit, so the recursion is too.
 */
final class JsonTrees {
  private JsonTrees() {}

  static Object toJava(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
        return toMap(node);
      case ARRAY:
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          list.add(toJava(item));
        }
        return Collections.unmodifiableList(list);
      case STRING:
        return node.textValue();
      case BOOLEAN:
        return node.booleanValue();
      case NUMBER:
        if (node.isBigDecimal()) {
          // The codec reads floats exactly; hand them on as doubles unless that would make them infinite.
          double d = node.doubleValue();
          return Double.isFinite(d) ? Double.valueOf(d) : node.decimalValue();
        }
        return node.numberValue();
      default:
        return null;
    }
  }

  static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      map.put(field.getKey(), toJava(field.getValue()));
    }
    return Collections.unmodifiableMap(map);
  }
}
