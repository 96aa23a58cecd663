package dev.gameagent.core.parser;

import java.util.Arrays;
import java.util.List;

/**
 * The structural tag names, folded for case-insensitive matching and sorted, so that the names
 * sharing a typed prefix are one contiguous range and a {@link Cursor} matches a name one
 * character at a time with no look-back. Immutable; cheap to build, since a parser is built per
 * turn.
 */
final class TagNames {

  private final char[][] folded;
  private final DeclaredTag[] tags;
  /** For each ASCII first character, the range of names that start with it (empty when none). */
  private final byte[] firstFrom = new byte[128];
  private final byte[] firstTo = new byte[128];

  /** Of names equal ignoring case, the first in {@code declared} counts. */
  TagNames(List<DeclaredTag> declared) {
    char[][] names = new char[declared.size()][];
    DeclaredTag[] byName = new DeclaredTag[declared.size()];
    int count = 0;
    for (DeclaredTag tag : declared) {
      char[] name = fold(tag.name());
      int at = count; // insertion sort: there are a handful of names
      while (at > 0 && Arrays.compare(names[at - 1], name) > 0) {
        at--;
      }
      if (at > 0 && Arrays.equals(names[at - 1], name)) {
        continue;
      }
      System.arraycopy(names, at, names, at + 1, count - at);
      System.arraycopy(byName, at, byName, at + 1, count - at);
      names[at] = name;
      byName[at] = tag;
      count++;
    }
    this.folded = count == names.length ? names : Arrays.copyOf(names, count);
    this.tags = count == byName.length ? byName : Arrays.copyOf(byName, count);
    for (int i = folded.length - 1; i >= 0 && i < Byte.MAX_VALUE; i--) {
      if (folded[i].length > 0 && folded[i][0] < 128) {
        int first = folded[i][0];
        if (firstTo[first] == 0) {
          firstTo[first] = (byte) (i + 1);
        }
        firstFrom[first] = (byte) i;
      }
    }
  }

  /**
   * The index of the declared name that {@code in[start, n)} starts with, ignoring case, when its
   * first character is the first character of no other name and the slice holds the character
   * after it; else -1 (the name may still match character by character through a {@link Cursor}).
   * Names with a CR or surrogate never match here, as the tokeniser normalizes those first.
   */
  int soleNameAt(char[] in, int start, int n) {
    if (start >= n) {
      return -1;
    }
    char first = Chars.fold(in[start]);
    if (first >= 128 || folded.length >= Byte.MAX_VALUE || firstTo[first] - firstFrom[first] != 1) {
      return -1;
    }
    int k = firstFrom[first];
    char[] only = folded[k];
    if (start + only.length >= n) {
      return -1;
    }
    for (int j = 1; j < only.length; j++) {
      char c = in[start + j];
      if (c != only[j] && (c == '\r' || Character.isSurrogate(c) || Chars.fold(c) != only[j])) {
        return -1;
      }
    }
    return k;
  }

  /** The tag at {@code index} of {@link #soleNameAt}. */
  DeclaredTag tag(int index) {
    return tags[index];
  }

  /** The length of the name at {@code index} of {@link #soleNameAt}. */
  int length(int index) {
    return folded[index].length;
  }

  /** The tag declared under {@code name} ignoring case, or null. */
  DeclaredTag find(String name) {
    Cursor cursor = new Cursor();
    for (int i = 0; i < name.length(); i++) {
      if (!cursor.advance(name.charAt(i))) {
        return null;
      }
    }
    return cursor.matched();
  }

  private static char[] fold(String name) {
    char[] chars = new char[name.length()];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = Chars.fold(name.charAt(i));
    }
    return chars;
  }

  /** A name being typed: the range of declared names it is a prefix of. Reusable; not thread-safe. */
  final class Cursor {
    /** How many names there are; kept here so a reset reads no other object. */
    private final int count = folded.length;
    private int lo;
    private int hi = count;
    private int length;

    /** Starts a new name. */
    void reset() {
      lo = 0;
      hi = count;
      length = 0;
    }

    /** Positions the cursor after the whole name at {@code index} of {@link #soleNameAt}. */
    void select(int index) {
      lo = index;
      hi = index + 1;
      length = folded[index].length;
    }

    /** The number of characters matched. */
    int length() {
      return length;
    }

    /**
     * Extends the name by as many of {@code in[i, end)} as a declared name continues with, stopping
     * at a CR or surrogate (which the tokeniser normalizes first), and returns where it stopped.
     */
    int advance(char[] in, int i, int end) {
      if (hi - lo == 1) { // one candidate left, as after the first character of most names
        char[] only = folded[lo];
        int at = length;
        int stop = Math.min(end, i + only.length - at);
        while (i < stop) {
          char c = in[i];
          if (c == '\r' || Character.isSurrogate(c) || (c != only[at] && Chars.fold(c) != only[at])) {
            break;
          }
          i++;
          at++;
        }
        length = at;
        return i;
      }
      while (i < end) {
        char c = in[i];
        if (c == '\r' || Character.isSurrogate(c) || !advance(c)) {
          return i;
        }
        i++;
        if (hi - lo == 1) {
          return advance(in, i, end);
        }
      }
      return i;
    }

    /** Extends the name by {@code c}; false (and unchanged) when no declared name continues so. */
    boolean advance(char c) {
      char f = Chars.fold(c);
      if (length == 0 && f < 128 && folded.length < Byte.MAX_VALUE) {
        if (firstFrom[f] == firstTo[f]) {
          return false;
        }
        lo = firstFrom[f];
        hi = firstTo[f];
        length = 1;
        return true;
      }
      if (hi - lo == 1) {
        char[] only = folded[lo];
        if (length < only.length && only[length] == f) {
          length++;
          return true;
        }
        return false;
      }
      int i = lo;
      // a name of exactly `length` characters sorts first in the range; then by the next character
      while (i < hi && (folded[i].length == length || folded[i][length] < f)) {
        i++;
      }
      if (i == hi || folded[i][length] != f) {
        return false;
      }
      int end = i + 1;
      while (end < hi && folded[end][length] == f) {
        end++;
      }
      lo = i;
      hi = end;
      length++;
      return true;
    }

    /** The tag whose whole name has been typed, or null. */
    DeclaredTag matched() {
      return lo < hi && folded[lo].length == length ? tags[lo] : null;
    }
  }
}
