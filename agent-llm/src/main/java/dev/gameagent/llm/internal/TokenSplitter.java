package dev.gameagent.llm.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an answer into pieces of 1 to 4 characters, the way a model streams tokens, so that tags
 * arrive split across chunks ({@code <spe}, {@code ech>}). Deterministic: the cuts depend only on
 * the text. A surrogate pair is never cut.
 */
final class TokenSplitter {
  private TokenSplitter() {}

  static List<String> split(String text) {
    List<String> pieces = new ArrayList<>(text.length() / 2 + 1);
    long state = text.hashCode() * 0x9E3779B97F4A7C15L + text.length();
    int i = 0;
    while (i < text.length()) {
      state = mix(state);
      int end = Math.min(text.length(), i + 1 + (int) Math.floorMod(state >>> 33, 4L));
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end++;
      }
      pieces.add(text.substring(i, end));
      i = end;
    }
    return pieces;
  }

  /** One SplitMix64 step: a fixed, well-spread sequence (java.util's generators are not specified to stay the same). */
  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
