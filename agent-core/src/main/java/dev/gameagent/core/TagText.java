package dev.gameagent.core;

import java.util.Map;

/**
 * Writes tags the way the model is asked to write them, with the entities the tag parser decodes:
 * {@code <name a="v">content</name>}, or {@code <name a="v"/>} when there is no content. Content
 * escapes {@code & < >}; attribute values escape {@code & < "}. Stateless.
 */
final class TagText {
  private TagText() {}

  static void tag(StringBuilder out, String name, Map<String, String> attributes, String content) {
    out.append('<').append(name);
    attributes.forEach((k, v) -> {
      out.append(' ').append(k).append("=\"");
      escape(out, v, true);
      out.append('"');
    });
    if (content.isEmpty()) {
      out.append("/>");
    } else {
      out.append('>');
      escape(out, content, false);
      out.append("</").append(name).append('>');
    }
  }

  static void escape(StringBuilder out, String s, boolean attribute) {
    int plainFrom = 0;
    for (int i = 0; i < s.length(); i++) {
      String entity = switch (s.charAt(i)) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> attribute ? null : "&gt;";
        case '"' -> attribute ? "&quot;" : null;
        default -> null;
      };
      if (entity != null) {
        out.append(s, plainFrom, i).append(entity);
        plainFrom = i + 1;
      }
    }
    out.append(s, plainFrom, s.length());
  }
}
