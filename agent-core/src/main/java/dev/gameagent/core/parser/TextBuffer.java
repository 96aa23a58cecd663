package dev.gameagent.core.parser;

import java.util.Arrays;

/**
 * A growable {@code char[]} for the parser's working text. Unlike a {@code StringBuilder} it never
 * switches representation (a {@code StringBuilder} that once held an emoji stays UTF-16 and
 * re-compresses on every {@code toString}), and appending from another array is one copy.
 * Not thread-safe.
 */
final class TextBuffer implements CharSequence {

  private char[] value;
  private int length;

  TextBuffer(int capacity) {
    value = new char[capacity];
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public boolean isEmpty() {
    return length == 0;
  }

  @Override
  public char charAt(int index) {
    if (index >= length) {
      throw new IndexOutOfBoundsException(index);
    }
    return value[index];
  }

  /** The backing array; valid up to {@link #length()} until the next append. */
  char[] array() {
    return value;
  }

  void clear() {
    length = 0;
  }

  void append(char c) {
    if (length == value.length) {
      grow(1);
    }
    value[length++] = c;
  }

  void append(char[] source, int start, int end) {
    int count = end - start;
    if (length + count > value.length) {
      grow(count);
    }
    if (count <= 8) { // a loop beats the arraycopy call for the short runs of markup
      char[] v = value;
      for (int i = 0, at = length; i < count; i++) {
        v[at + i] = source[start + i];
      }
    } else {
      System.arraycopy(source, start, value, length, count);
    }
    length += count;
  }

  void append(TextBuffer other) {
    append(other.value, 0, other.length);
  }

  void appendCodePoint(int cp) {
    if (Character.isBmpCodePoint(cp)) {
      append((char) cp);
    } else {
      append(Character.highSurrogate(cp));
      append(Character.lowSurrogate(cp));
    }
  }

  /** The text from {@code start} to {@code end}. */
  String substring(int start, int end) {
    return new String(value, start, end - start);
  }

  /** Drops the text from {@code newLength} on. */
  void truncate(int newLength) {
    length = Math.min(length, newLength);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    if (start < 0 || end > length || start > end) {
      throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + length);
    }
    return new String(value, start, end - start);
  }

  @Override
  public String toString() {
    return new String(value, 0, length);
  }

  private void grow(int needed) {
    value = Arrays.copyOf(value, Math.max(value.length * 2, length + needed));
  }
}
