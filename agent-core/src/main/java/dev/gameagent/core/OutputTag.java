package dev.gameagent.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tag the model may answer in, as declared in the spec's {@code output_tags}. Immutable.
 *
 * @param name the declared spelling; matched case-insensitively in the model's output. A tag name:
 *     a letter or {@code _}, then letters, digits, {@code _}, {@code -} or {@code .}
 * @param description what the tag means, for the output contract; may be empty
 * @param values the allowed contents (compared trimmed, case-insensitively); empty means free text
 * @param attributes attribute name to its allowed values; an empty list allows any value
 * @param selfClosing whether the tag is written {@code <name .../>}; such a tag has no content, so
 *     it cannot declare {@code values}
 */
public record OutputTag(
    String name,
    String description,
    List<String> values,
    Map<String, List<String>> attributes,
    boolean selfClosing) {

  public OutputTag {
    Objects.requireNonNull(name, "name == null");
    if (!isTagName(name)) {
      throw new IllegalArgumentException("output tag name must be a tag name (a letter or _, then letters, "
          + "digits, _ - .): \"" + name + "\"");
    }
    description = description == null ? "" : description;
    values = List.copyOf(values == null ? List.of() : values);
    if (selfClosing && !values.isEmpty()) {
      throw new IllegalArgumentException("output tag " + name + " is self-closing, so it cannot declare values");
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    if (attributes != null) {
      attributes.forEach((k, v) -> {
        Objects.requireNonNull(k, "attribute name == null");
        if (!isTagName(k)) {
          throw new IllegalArgumentException("attribute name of output tag " + name + " must be a name (a letter or _, "
              + "then letters, digits, _ - .): \"" + k + "\"");
        }
        copy.put(k, List.copyOf(v == null ? List.of() : v));
      });
    }
    attributes = copy.isEmpty() ? Map.of() : Collections.unmodifiableMap(copy);
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
    return DEFAULTS;
  }

  private static final List<OutputTag> DEFAULTS = List.of(
      text("speech", "Words spoken aloud"),
      new OutputTag("emotion", "Current emotion",
          List.of("neutral", "happy", "sad", "angry", "afraid", "surprised"), Map.of(), false),
      new OutputTag("action", "A body action", List.of(), Map.of("name", List.of()), true));

  /** Whether {@code s} can be written as a tag or attribute name that the tag parser recognizes. */
  static boolean isTagName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char first = s.charAt(0);
    if (!(Character.isLetter(first) || first == '_')) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }
}
