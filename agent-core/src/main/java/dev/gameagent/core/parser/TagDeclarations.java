package dev.gameagent.core.parser;

import dev.gameagent.core.OutputTag;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The structural tag names built from a declaration (output tags and tool names), with the last
 * one kept: a parser is built per turn, usually from a fresh but equal declaration, so its tags are
 * folded, sorted and stripped once instead of every turn.
 *
 * <p>Thread-safe: the memo is one immutable entry published through a volatile field; a race
 * between parsers of different declarations costs a rebuild, never a wrong answer.
 */
final class TagDeclarations {

  private static volatile TagDeclarations last;

  private final List<OutputTag> tags;
  private final List<String> tools;
  private final TagNames names;

  private TagDeclarations(List<OutputTag> tags, List<String> tools, TagNames names) {
    this.tags = tags;
    this.tools = tools;
    this.names = names;
  }

  /** The names for {@code tags} (and {@code tool_call} when {@code tools} is not empty). */
  static TagNames names(List<OutputTag> tags, List<String> tools) {
    TagDeclarations memo = last;
    if (memo != null && memo.tools.equals(tools) && sameTags(memo.tags, tags)) {
      return memo.names;
    }
    List<DeclaredTag> declared = new ArrayList<>(tags.size() + 1);
    if (!tools.isEmpty()) {
      declared.add(DeclaredTag.toolCall(tools));
    }
    for (OutputTag tag : tags) {
      declared.add(DeclaredTag.of(tag));
    }
    TagNames names = new TagNames(declared);
    last = new TagDeclarations(tags, tools, names);
    return names;
  }

  /**
   * Whether the two lists declare the same parsing: names, values, self-closing and attributes in
   * order (the order decides which of two names equal ignoring case counts); descriptions do not
   * matter.
   */
  private static boolean sameTags(List<OutputTag> a, List<OutputTag> b) {
    if (a == b) {
      return true;
    }
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      OutputTag x = a.get(i);
      OutputTag y = b.get(i);
      if (!x.name().equals(y.name()) || x.selfClosing() != y.selfClosing() || !x.values().equals(y.values())
          || !sameAttributes(x.attributes(), y.attributes())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameAttributes(Map<String, List<String>> a, Map<String, List<String>> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<Map.Entry<String, List<String>>> other = b.entrySet().iterator();
    for (Map.Entry<String, List<String>> entry : a.entrySet()) {
      Map.Entry<String, List<String>> next = other.next();
      if (!entry.getKey().equals(next.getKey()) || !entry.getValue().equals(next.getValue())) {
        return false;
      }
    }
    return true;
  }
}
