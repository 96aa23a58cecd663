package dev.gameagent.llm.internal;

import dev.gameagent.core.OutputTag;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the offline model's answer in the character's declared tags only. It finds the tag that
 * carries speech, the one that carries an emotion and the one that carries an action by their
 * names or shapes, picks values only from the declared ones (skipping a tag when nothing declared
 * fits), and escapes text so that it can never be read as markup. Not thread-safe; one per answer.
 */
final class TagWriter {
  private static final Set<String> SPEECH_NAMES = Set.of(
      "speech", "say", "says", "dialogue", "dialog", "line", "talk", "text", "message", "answer", "reply", "response");
  private static final Set<String> EMOTION_NAMES = Set.of("emotion", "emotions", "mood", "feeling", "expression", "face");
  private static final Set<String> ACTION_NAMES = Set.of("action", "actions", "gesture", "animation", "anim", "emote", "act");
  private static final Set<String> EMOTION_WORDS = Set.of(
      "neutral", "happy", "sad", "angry", "afraid", "surprised", "calm", "friendly", "annoyed", "scared", "curious", "content");

  private final OutputTag speech;
  private final OutputTag emotion;
  private final OutputTag action;
  private final StringBuilder out = new StringBuilder();

  TagWriter(List<OutputTag> tags, String defaultTag) {
    this.emotion = find(tags, t -> !t.selfClosing() && (EMOTION_NAMES.contains(lower(t.name()))
        || t.values().stream().anyMatch(v -> EMOTION_WORDS.contains(lower(v)))));
    this.action = find(tags, t -> t != emotion && (ACTION_NAMES.contains(lower(t.name()))
        || (t.selfClosing() && !t.attributes().isEmpty())));
    OutputTag s = find(tags, t -> isFreeText(t) && SPEECH_NAMES.contains(lower(t.name())));
    if (s == null && defaultTag != null) {
      s = find(tags, t -> isFreeText(t) && t.name().equalsIgnoreCase(defaultTag));
    }
    if (s == null) {
      s = find(tags, t -> isFreeText(t) && t != emotion && t != action);
    }
    this.speech = s;
  }

  boolean canSpeak() {
    return speech != null;
  }

  /** Writes the emotion tag with the first preferred emotion that is allowed; nothing when none is. */
  void emotion(List<String> preferred) {
    if (emotion == null) {
      return;
    }
    String value = choose(emotion.values(), preferred);
    if (value != null) {
      element(emotion, escape(value));
    }
  }

  /** Writes the action tag with the first preferred action that is allowed; nothing when none is. */
  void action(List<String> preferred) {
    if (action == null) {
      return;
    }
    Map<String, List<String>> attributes = action.attributes();
    if (!attributes.isEmpty()) {
      String attribute = attributes.containsKey("name") ? "name" : attributes.keySet().iterator().next();
      String value = choose(attributes.get(attribute), preferred);
      if (value == null) {
        return;
      }
      String open = "<" + action.name() + " " + attribute + "=\"" + escape(value).replace("\"", "&quot;") + "\"";
      line(action.selfClosing() ? open + "/>" : open + "></" + action.name() + ">");
    } else if (!action.selfClosing()) {
      String value = choose(action.values(), preferred);
      if (value != null) {
        element(action, escape(action.values().isEmpty() ? value.replace('_', ' ') : value));
      }
    }
  }

  /**
   * The declared action whose every word the player said ({@code open_gate} for "Open the gate!"),
   * the one with the most words when several fit; null when no action values are declared or none
   * is named. {@code words} are lower case.
   */
  String actionNamedIn(List<String> words) {
    if (action == null) {
      return null;
    }
    Map<String, List<String>> attributes = action.attributes();
    List<String> declared = attributes.isEmpty()
        ? action.values()
        : attributes.get(attributes.containsKey("name") ? "name" : attributes.keySet().iterator().next());
    String best = null;
    int bestWords = 0;
    for (String value : declared) {
      List<String> parts = List.of(lower(value).split("[_\\- ]+"));
      if (parts.size() > bestWords && !parts.get(0).isEmpty() && words.containsAll(parts)) {
        best = value;
        bestWords = parts.size();
      }
    }
    return best;
  }

  /** Writes {@code text} in the speech tag, escaped; nothing when the character has no speech tag. */
  void speech(String text) {
    if (speech != null && !text.isBlank()) {
      element(speech, escape(text));
    }
  }

  /** Writes a tool call; {@code arguments} is a JSON object already safe inside a tag. */
  void toolCall(String tool, String arguments) {
    line("<tool_call name=\"" + escape(tool).replace("\"", "&quot;") + "\">" + arguments + "</tool_call>");
  }

  String text() {
    return out.toString();
  }

  private void element(OutputTag tag, String content) {
    line("<" + tag.name() + ">" + content + "</" + tag.name() + ">");
  }

  private void line(String s) {
    if (out.length() > 0) {
      out.append('\n');
    }
    out.append(s);
  }

  /**
   * The first preferred value that {@code allowed} holds (in its declared spelling), else an allowed
   * value sharing the first word of a preferred one ({@code draw_axe} for {@code draw_sword}); any
   * preferred value when {@code allowed} is empty; null when nothing fits.
   */
  static String choose(List<String> allowed, List<String> preferred) {
    if (allowed.isEmpty()) {
      return preferred.isEmpty() ? null : preferred.get(0);
    }
    for (String p : preferred) {
      for (String a : allowed) {
        if (a.strip().equalsIgnoreCase(p)) {
          return a;
        }
      }
    }
    for (String p : preferred) {
      String stem = lower(p).split("[_\\- ]")[0];
      for (String a : allowed) {
        for (String part : lower(a).split("[_\\- ]")) {
          if (part.equals(stem)) {
            return a;
          }
        }
      }
    }
    return null;
  }

  /** Escapes text so that the tag parser decodes it back and never reads it as markup. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isFreeText(OutputTag t) {
    return !t.selfClosing() && t.values().isEmpty();
  }

  private static OutputTag find(List<OutputTag> tags, java.util.function.Predicate<OutputTag> test) {
    for (OutputTag t : tags) {
      if (test.test(t)) {
        return t;
      }
    }
    return null;
  }

  private static String lower(String s) {
    return s.strip().toLowerCase(Locale.ROOT);
  }
}
