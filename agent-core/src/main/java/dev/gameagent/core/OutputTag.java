package dev.gameagent.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tag the model may answer in, as declared in the spec's {@code output_tags}.
 *
 * @param name the declared spelling; matched case-insensitively in the model's output
 * @param description what the tag means, for the output contract; may be empty
 * @param values the allowed contents (compared trimmed, case-insensitively); empty means free text
 * @param attributes attribute name to its allowed values; an empty list allows any value
 * @param selfClosing whether the tag is written {@code <name .../>}
 */
public record OutputTag(
    String name,
    String description,
    List<String> values,
    Map<String, List<String>> attributes,
    boolean selfClosing) {

  public OutputTag {
    Objects.requireNonNull(name, "name == null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("output tag name is empty");
    }
    description = description == null ? "" : description;
    values = List.copyOf(values == null ? List.of() : values);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    if (attributes != null) {
      attributes.forEach((k, v) -> copy.put(
          Objects.requireNonNull(k, "attribute name == null"), List.copyOf(v == null ? List.of() : v)));
    }
    attributes = java.util.Collections.unmodifiableMap(copy);
  }

  /** A free-text tag with no attributes. */
  public static OutputTag text(String name, String description) {
    return new OutputTag(name, description, List.of(), Map.of(), false);
  }

  /**
   * The tags used when a spec declares none: {@code speech} (free text), {@code emotion} (values
   * neutral, happy, sad, angry, afraid, surprised) and {@code action} (self-closing, attribute
   * {@code name} with any value).
   */
  public static List<OutputTag> defaults() {
    return List.of(
        text("speech", "Words spoken aloud"),
        new OutputTag("emotion", "Current emotion",
            List.of("neutral", "happy", "sad", "angry", "afraid", "surprised"), Map.of(), false),
        new OutputTag("action", "A body action", List.of(), Map.of("name", List.of()), true));
  }
}
