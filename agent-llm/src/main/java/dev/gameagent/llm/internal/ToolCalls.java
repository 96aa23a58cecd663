package dev.gameagent.llm.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.ToolResult;
import dev.gameagent.core.ToolSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline model's tool use: which declared tool an event names, the JSON arguments it would
 * pass (read from the event text against the tool's JSON Schema), and a sentence that sums up a
 * tool's result. Stateless.
 */
final class ToolCalls {
  private static final Set<String> FILLER = Set.of(
      "for", "the", "a", "an", "my", "your", "our", "of", "about", "on", "in", "to", "with", "if", "whether",
      "is", "are", "there", "any", "some", "please", "me", "up", "can", "you", "could", "would");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}'_-]+");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
  private static final int MAX_SUMMARY = 240;

  private ToolCalls() {}

  /** A tool the event text names, with a match found. */
  record Mention(ToolSpec tool, int end) {}

  /**
   * The first declared tool whose name the text contains as words: {@code check_inventory},
   * {@code check inventory} and {@code checkInventory} all name the same tool. Null when none does.
   */
  static Mention find(List<ToolSpec> tools, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (ToolSpec tool : tools) {
      for (String form : forms(tool.name())) {
        Matcher m = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(form) + "(?![\\p{L}\\p{N}])").matcher(lower);
        if (m.find()) {
          return new Mention(tool, m.end());
        }
      }
    }
    return null;
  }

  private static Set<String> forms(String name) {
    String spaced = name.replaceAll("([a-z])([A-Z])", "$1 $2").replace('_', ' ').replace('-', ' ').toLowerCase(Locale.ROOT);
    return new java.util.LinkedHashSet<>(List.of(name.toLowerCase(Locale.ROOT), spaced));
  }

  /**
   * The arguments for a call of {@code mention}'s tool as a JSON object whose {@code <}, {@code >}
   * and {@code &} are escaped, so the text is safe inside a tag. String properties take the words
   * after the tool's name (or an enum value the text names), numbers the first number in the text,
   * booleans true.
   */
  static String arguments(Mention mention, String text) {
    ObjectNode args = Json.MAPPER.createObjectNode();
    String phrase = phraseAfter(text, mention.end());
    Map<String, Object> schema = mention.tool().parameters();
    Object properties = schema.get("properties");
    Collection<?> required = schema.get("required") instanceof Collection<?> c ? c : List.of();
    boolean phraseUsed = false;
    if (properties instanceof Map<?, ?> props) {
      for (Map.Entry<?, ?> e : props.entrySet()) {
        String key = String.valueOf(e.getKey());
        Map<?, ?> prop = e.getValue() instanceof Map<?, ?> m ? m : Map.of();
        String type = prop.get("type") instanceof String t ? t : "string";
        switch (type) {
          case "integer", "number" -> {
            Matcher n = NUMBER.matcher(text);
            if (n.find()) {
              args.put(key, type.equals("integer") ? Long.parseLong(n.group().split("\\.")[0]) : Double.parseDouble(n.group()));
            } else {
              args.put(key, 1);
            }
          }
          case "boolean" -> args.put(key, true);
          case "array" -> {
            ArrayNode items = args.putArray(key);
            if (!phrase.isEmpty()) {
              items.add(phrase);
            }
          }
          case "object" -> args.putObject(key);
          default -> {
            if (prop.get("enum") instanceof List<?> values && !values.isEmpty()) {
              args.put(key, String.valueOf(pickEnum(values, text)));
            } else if (!phraseUsed || required.contains(key)) {
              args.put(key, phrase.isEmpty() ? key : phrase);
              phraseUsed = true;
            }
          }
        }
      }
    }
    try {
      return Json.MAPPER.writeValueAsString(args)
          .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write tool arguments", e);
    }
  }

  /** One sentence about the results, e.g. {@code found: yes, count: 2}. */
  static String summary(List<ToolResult> results) {
    List<String> parts = new ArrayList<>();
    for (ToolResult r : results) {
      parts.add(describe(r.output()));
    }
    String s = String.join("; ", parts);
    return s.length() > MAX_SUMMARY ? s.substring(0, MAX_SUMMARY) + "..." : s;
  }

  private static String describe(Object output) {
    if (output == null) {
      return "nothing";
    }
    if (output instanceof Boolean b) {
      return b ? "yes" : "no";
    }
    if (output instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return "nothing";
      }
      List<String> parts = new ArrayList<>();
      map.forEach((k, v) -> parts.add(k + ": " + describe(v)));
      return String.join(", ", parts);
    }
    if (output instanceof Collection<?> list) {
      if (list.isEmpty()) {
        return "nothing";
      }
      List<String> parts = new ArrayList<>();
      list.forEach(v -> parts.add(describe(v)));
      return String.join(", ", parts);
    }
    return String.valueOf(output);
  }

  private static Object pickEnum(List<?> values, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (Object v : values) {
      if (lower.contains(String.valueOf(v).toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    return values.get(0);
  }

  /** Up to four words after {@code from}, without leading filler words. */
  private static String phraseAfter(String text, int from) {
    List<String> words = new ArrayList<>();
    Matcher m = WORD.matcher(text.substring(Math.min(from, text.length())));
    while (m.find() && words.size() < 4) {
      String w = m.group();
      if (words.isEmpty() && FILLER.contains(w.toLowerCase(Locale.ROOT))) {
        continue;
      }
      words.add(w);
    }
    return String.join(" ", words);
  }
}
