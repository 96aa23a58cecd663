package dev.gameagent.core.testing;

import java.util.Random;

/**
 * Runs a seeded property check many times. Case {@code i} gets its own {@link Random} seeded with
 * {@code seed + i}, so a failure names the one seed that reproduces it alone:
 * {@code -Dfuzz.seed=S -Dfuzz.iterations=1}. The defaults are fixed, so a build is repeatable; set
 * {@code fuzz.seed} and {@code fuzz.iterations} to explore further. Shared by the modules' fuzz
 * tests through this test-jar.
 */
public final class Fuzz {
  /** One case of a property check, given its own random source. */
  public interface Case {
    void run(Random random) throws Exception;
  }

  private Fuzz() {}

  /** {@code text} cut to 600 characters with every character outside printable ASCII escaped, for failure messages. */
  public static String printable(String text) {
    String cut = text.length() <= 600 ? text : text.substring(0, 600);
    StringBuilder out = new StringBuilder(cut.length() + 32);
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return cut == text ? out.toString() : out + "... (" + text.length() + " chars)";
  }

  public static void check(String property, int defaultIterations, Case check) {
    long seed = Long.getLong("fuzz.seed", 0x5EED_2026L);
    int iterations = Integer.getInteger("fuzz.iterations", defaultIterations);
    for (int i = 0; i < iterations; i++) {
      long caseSeed = seed + i;
      try {
        check.run(new Random(caseSeed));
      } catch (Throwable t) {
        throw new AssertionError(property + " failed for seed " + caseSeed + " (rerun alone with -Dfuzz.seed="
            + caseSeed + " -Dfuzz.iterations=1): " + printable(String.valueOf(t.getMessage())), t);
      }
    }
  }
}
