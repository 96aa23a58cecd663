package dev.gameagent.core;

/**
 * Estimates how many tokens a text costs a model. Must be thread-safe and fast: it runs while a
 * turn's prompt is built, under its agent's lock (the prompt must see the agent's history as it is
 * when the place for the turn's result is reserved), so a slow counter delays the agent's other
 * calls. The {@link PromptBuilder} caches the counts of recent history entries and system messages.
 */
@FunctionalInterface
public interface TokenCounter {

  int count(CharSequence text);

  /** The default estimate: one token per four characters, rounded up. */
  static TokenCounter charsOver4() {
    return text -> (text.length() + 3) / 4;
  }
}
