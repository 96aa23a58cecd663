package dev.gameagent.core.parser;

import java.util.Arrays;

/**
 * The declared tag names as a case-insensitive prefix tree, so a name is matched one character at
 * a time with no look-back. Immutable once built; shared by nothing but its parser.
 */
final class TagNameTrie {

  /** One matched prefix: its continuations, and the tag when the prefix is a whole declared name. */
  static final class Node {
    private char[] keys = new char[0];
    private Node[] children = new Node[0];
    private DeclaredTag tag;

    /** The node after {@code c}, or null when no declared name continues with it. */
    Node child(char c) {
      char folded = Chars.fold(c);
      char[] k = keys;
      for (int i = 0; i < k.length; i++) {
        if (k[i] == folded) {
          return children[i];
        }
      }
      return null;
    }

    /** The declared tag spelled exactly by this prefix, or null. */
    DeclaredTag tag() {
      return tag;
    }

    private Node childOrNew(char folded) {
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] == folded) {
          return children[i];
        }
      }
      Node node = new Node();
      keys = Arrays.copyOf(keys, keys.length + 1);
      children = Arrays.copyOf(children, children.length + 1);
      keys[keys.length - 1] = folded;
      children[children.length - 1] = node;
      return node;
    }
  }

  private final Node root = new Node();

  Node root() {
    return root;
  }

  /** Adds {@code tag} under its name; a name already present (ignoring case) keeps its first tag. */
  void add(DeclaredTag tag) {
    Node node = root;
    String name = tag.name();
    for (int i = 0; i < name.length(); i++) {
      node = node.childOrNew(Chars.fold(name.charAt(i)));
    }
    if (node.tag == null) {
      node.tag = tag;
    }
  }

  /** The tag declared under {@code name} (ignoring case), or null. */
  DeclaredTag find(String name) {
    Node node = root;
    for (int i = 0; i < name.length() && node != null; i++) {
      node = node.child(name.charAt(i));
    }
    return node == null ? null : node.tag;
  }
}
