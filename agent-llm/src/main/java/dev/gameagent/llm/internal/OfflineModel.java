package dev.gameagent.llm.internal;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline default model's mind: a small, deterministic rule set that answers an event in
 * character. It reads the event text for a tool name, a threat, a farewell, thanks, a declared
 * action (a command: "open the gate" performs {@code open_gate}), a greeting or a question (in that
 * order), answers in the character's voice (name, role, mood, location), and writes the answer
 * with {@link TagWriter} in the declared tags only. A continuation turn answers from the tool
 * results. The same turn always gets the same answer. Stateless and thread-safe.
 */
final class OfflineModel {

  /** What the event asks of the character. */
  enum Intent { TOOL, THREAT, FAREWELL, THANKS, COMMAND, GREETING, QUESTION, OTHER, RESULT }

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}']+");
  private static final Set<String> THREAT = Set.of(
      "kill", "attack", "die", "murder", "hurt", "stab", "punch", "fight", "destroy", "burn", "threaten", "rob",
      "steal", "smash", "slay", "strike", "hit", "surrender", "weapon", "blood", "dead");
  private static final Set<String> FAREWELL = Set.of("bye", "goodbye", "farewell", "later", "leaving", "cya");
  private static final Set<String> THANKS = Set.of("thanks", "thank", "thx", "grateful", "appreciate", "cheers");
  private static final Set<String> GREETING = Set.of(
      "hello", "hi", "hey", "greetings", "howdy", "hail", "morning", "evening", "afternoon", "yo", "hiya", "salutations");
  private static final Set<String> QUESTION = Set.of(
      "who", "what", "where", "when", "why", "how", "which", "can", "could", "would", "will", "do", "does", "did",
      "is", "are", "have", "has", "may", "should");
  private static final Set<String> DETERMINERS = Set.of(
      "the", "a", "an", "my", "your", "his", "her", "its", "our", "their", "this", "that", "some", "outside", "inside", "near");
  private static final Set<String> FEARFUL = Set.of("afraid", "scared", "fearful", "nervous", "anxious", "terrified", "timid");

  String answer(OfflineTurn turn) {
    OfflineCharacter c = turn.character();
    TagWriter w = new TagWriter(c.tags(), c.defaultTag());
    String source = turn.source() == null || turn.source().isBlank() ? "traveler" : turn.source().strip();
    String text = turn.text().strip();
    if (!turn.toolResults().isEmpty()) {
      boolean failed = turn.toolResults().stream().anyMatch(r -> r.isError());
      String summary = ToolCalls.summary(turn.toolResults());
      w.emotion(failed ? List.of("sad", "annoyed", "disappointed", "neutral") : List.of("happy", "content", "pleased", "neutral"));
      w.action(List.of("nod", "point", "shrug"));
      w.speech(failed ? "That didn't work out: " + summary + "." : "Here's what I found: " + summary + ".");
      return w.text();
    }
    ToolCalls.Mention mention = c.tools().isEmpty() ? null : ToolCalls.find(c.tools(), text);
    Intent intent = mention != null ? Intent.TOOL : classify(text);
    String commanded = null;
    if (intent == Intent.GREETING || intent == Intent.QUESTION || intent == Intent.OTHER) {
      // A game tests its action handling by asking for an action it declared: the NPC complies.
      commanded = w.actionNamedIn(words(text));
      intent = commanded == null ? intent : Intent.COMMAND;
    }
    int variant = Math.floorMod((c.name() + "|" + source + "|" + text).hashCode(), 3);
    switch (intent) {
      case TOOL -> {
        w.emotion(List.of("neutral", "curious", "calm", "content"));
        w.action(List.of("search", "look", "check", "think", "nod"));
        w.speech(pick(variant, "Let me check that.", "One moment, I'll look.", "Let me see."));
        w.toolCall(mention.tool().name(), ToolCalls.arguments(mention, text));
      }
      case THREAT -> {
        boolean fearful = c.mood() != null && FEARFUL.contains(c.mood().toLowerCase(Locale.ROOT));
        w.emotion(fearful ? List.of("afraid", "scared", "fearful", "surprised", "neutral") : List.of("angry", "furious", "annoyed", "hostile", "irritated", "mad", "neutral"));
        w.action(fearful ? List.of("step_back", "flee", "cower", "back_away") : List.of("draw_sword", "draw_weapon", "raise_weapon", "block", "defend", "step_back"));
        w.speech(fearful
            ? pick(variant, "Please, " + source + ", stay back! I want no trouble.", "Easy now, " + source + "! I mean no harm.", "Stay away from me, " + source + "!")
            : pick(variant, "Back off, " + source + "! Threaten me again and you'll regret it.",
                "Watch your tongue, " + source + ". " + introduce(c) + ", and I won't be threatened" + at(c) + ".",
                "Try it, " + source + ", and see what happens."));
      }
      case FAREWELL -> {
        w.emotion(List.of("neutral", "calm", "content", "happy"));
        w.action(List.of("wave", "bow", "nod", "salute"));
        w.speech(pick(variant, "Farewell, " + source + ". Safe travels.", "Goodbye, " + source + ". Come back any time.", "Until next time, " + source + "."));
      }
      case THANKS -> {
        w.emotion(List.of("happy", "pleased", "content", "friendly", "neutral"));
        w.action(List.of("nod", "bow", "smile"));
        w.speech(pick(variant, "You're welcome, " + source + ".", "Glad to help, " + source + ".", "Any time, " + source + "."));
      }
      case COMMAND -> {
        w.emotion(List.of("neutral", "calm", "content"));
        w.action(List.of(commanded));
        w.speech(pick(variant, "Very well, " + source + ".", "As you wish, " + source + ".", "If I must, " + source + "."));
      }
      case GREETING -> {
        w.emotion(moodIsDark(c) ? List.of("neutral", "calm") : List.of("happy", "friendly", "cheerful", "glad", "content", "neutral", "calm"));
        w.action(List.of("wave", "bow", "nod", "greet", "salute"));
        String welcome = c.location() == null ? "" : " Welcome to " + place(c) + ".";
        w.speech(pick(variant, "Hello, " + source + "! " + introduce(c) + "." + welcome,
            "Well met, " + source + ". " + introduce(c) + ", at your service." + welcome,
            "Greetings, " + source + ". " + introduce(c) + "." + welcome) + feeling(c));
      }
      case QUESTION -> {
        w.emotion(List.of("neutral", "curious", "thoughtful", "calm", "surprised"));
        w.action(List.of("think", "shrug", "scratch_head", "nod"));
        w.speech(answerQuestion(c, source, text, variant));
      }
      default -> {
        w.emotion(List.of("neutral", "calm", "curious", "surprised"));
        w.action(List.of("nod", "listen", "shrug"));
        String said = quote(text);
        w.speech((said.isEmpty()
            ? pick(variant, "Hm? Did you need something, " + source + "?", "Yes, " + source + "?", "I'm listening, " + source + ".")
            : pick(variant, "I hear you, " + source + ": \"" + said + "\".", "\"" + said + "\", you say? Interesting.", "Hm. I'll keep that in mind, " + source + "."))
            + feeling(c));
      }
    }
    return w.text();
  }

  /** The rule an event text falls under; tools are matched separately. */
  static Intent classify(String text) {
    List<String> words = words(text);
    if (words.stream().anyMatch(THREAT::contains)) {
      return Intent.THREAT;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (words.stream().anyMatch(FAREWELL::contains) || lower.contains("see you") || lower.contains("take care")) {
      return Intent.FAREWELL;
    }
    if (words.stream().anyMatch(THANKS::contains)) {
      return Intent.THANKS;
    }
    boolean question = text.strip().endsWith("?") || (!words.isEmpty() && QUESTION.contains(words.get(0)));
    if (!question && (words.stream().anyMatch(GREETING::contains) || lower.contains("well met"))) {
      return Intent.GREETING;
    }
    return question ? Intent.QUESTION : Intent.OTHER;
  }

  private static String answerQuestion(OfflineCharacter c, String source, String text, int variant) {
    List<String> words = words(text);
    if (words.contains("who") || words.contains("name")) {
      return introduce(c) + ".";
    }
    if (words.contains("where")) {
      boolean here = words.contains("we") || words.contains("here") || words.contains("this") || words.contains("i");
      if (here && c.location() != null) {
        return "We're at " + place(c) + ", " + source + ".";
      }
      return "I couldn't tell you exactly where, " + source + "." + (c.location() == null ? "" : " Ask around " + place(c) + ".");
    }
    if (words.contains("how") && (words.contains("you") || words.contains("feel") || words.contains("feeling"))) {
      return c.mood() != null ? "I'm feeling " + c.mood() + ", if you must know." : "Well enough, thank you.";
    }
    String as = c.role() == null ? "" : "As " + article(c.role()) + ", ";
    String ask = c.location() == null ? "" : " Ask around " + place(c) + ".";
    return pick(variant, as + "I can't say for certain, " + source + "." + ask,
        "Good question, " + source + ". " + (as.isEmpty() ? "I" : as + "I") + " wish I knew." + ask,
        "Hmm, \"" + quote(text) + "\"? That I don't know, " + source + ".");
  }

  private static String introduce(OfflineCharacter c) {
    if (c.name() == null) {
      return c.role() == null ? "I'm just passing through" : "I'm " + article(c.role());
    }
    return "I'm " + c.name() + (c.role() == null ? "" : ", " + (startsWithArticle(c.role()) ? c.role() : "the " + c.role()));
  }

  private static String at(OfflineCharacter c) {
    return c.location() == null ? "" : " at " + place(c);
  }

  /**
   * The location as it reads after "to" or "at": a common noun gets its article ("the north gate"),
   * a name ("Millbrook") or a phrase that has one ("my farm", "a cave") stays as it is.
   */
  static String place(OfflineCharacter c) {
    String location = c.location();
    if (!Character.isLowerCase(location.charAt(0)) || location.equals("home")) {
      return location;
    }
    String first = location.split("\\s+", 2)[0];
    return DETERMINERS.contains(first) ? location : "the " + location;
  }

  private static String feeling(OfflineCharacter c) {
    return c.mood() == null ? "" : " I'm feeling rather " + c.mood() + " today.";
  }

  private static boolean moodIsDark(OfflineCharacter c) {
    if (c.mood() == null) {
      return false;
    }
    String m = c.mood().toLowerCase(Locale.ROOT);
    return m.contains("irritat") || m.contains("angry") || m.contains("sad") || m.contains("grump") || m.contains("tired")
        || FEARFUL.contains(m);
  }

  private static String article(String noun) {
    if (startsWithArticle(noun)) {
      return noun;
    }
    return ("aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an " : "a ") + noun;
  }

  private static boolean startsWithArticle(String noun) {
    String n = noun.toLowerCase(Locale.ROOT);
    return n.startsWith("a ") || n.startsWith("an ") || n.startsWith("the ");
  }

  /** The first six words of {@code text}, to echo it back. */
  private static String quote(String text) {
    List<String> words = words(text, false);
    return String.join(" ", words.subList(0, Math.min(6, words.size())));
  }

  private static List<String> words(String text) {
    return words(text, true);
  }

  private static List<String> words(String text, boolean lower) {
    List<String> words = new java.util.ArrayList<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      words.add(lower ? m.group().toLowerCase(Locale.ROOT) : m.group());
    }
    return words;
  }

  private static String pick(int variant, String... options) {
    return options[variant % options.length];
  }
}
