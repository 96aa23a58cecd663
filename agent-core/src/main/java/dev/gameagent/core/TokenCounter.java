package dev.gameagent.core;

/** Estimates how many tokens a text costs a model. Must be thread-safe and fast. */
@FunctionalInterface
public interface TokenCounter {

  int count(CharSequence text);

  /** The default estimate: one token per four characters, rounded up. */
  static TokenCounter charsOver4() {
    return text -> (text.length() + 3) / 4;
  }
}
