package dev.gameagent.core.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records a parser's events, with a marker after each {@code feed}, and renders them as a compact
 * trace: {@code <speech#0>} open, {@code "text"} chunk, {@code </speech#0>} close ({@code cut} when
 * incomplete), {@code !emotion:value_not_allowed} rejection, {@code |} end of a feed.
 */
final class TraceListener implements TagListener {

  enum Kind { OPEN, CHUNK, CLOSE, REJECTED, FEED }

  record Event(Kind kind, int index, String tag, String text, Map<String, String> attributes, boolean complete) {
    @Override
    public String toString() {
      switch (kind) {
        case OPEN: {
          StringBuilder s = new StringBuilder("<").append(tag).append('#').append(index);
          attributes.forEach((k, v) -> s.append(' ').append(k).append("=").append(quote(v)));
          return s.append('>').toString();
        }
        case CHUNK:
          return quote(text);
        case CLOSE:
          return "</" + tag + "#" + index + (complete ? "" : " cut") + ">";
        case REJECTED:
          return "!" + tag + ":" + text;
        default:
          return "|";
      }
    }
  }

  private final List<Event> events = new ArrayList<>();

  @Override
  public void onOpen(int index, String tag, Map<String, String> attributes) {
    events.add(new Event(Kind.OPEN, index, tag, null, attributes, false));
  }

  @Override
  public void onChunk(int index, String tag, String text) {
    events.add(new Event(Kind.CHUNK, index, tag, text, null, false));
  }

  @Override
  public void onClose(int index, String tag, String content, boolean complete) {
    events.add(new Event(Kind.CLOSE, index, tag, content, null, complete));
  }

  @Override
  public void onRejected(TagRejection rejection) {
    events.add(new Event(Kind.REJECTED, -1, rejection.tag(), rejection.reason(), null, false));
  }

  void feedEnded() {
    events.add(new Event(Kind.FEED, -1, null, null, null, false));
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  /** The events without feed markers, consecutive chunks of one tag joined. */
  static List<Event> merged(List<Event> events) {
    List<Event> result = new ArrayList<>();
    for (Event e : events) {
      if (e.kind() == Kind.FEED) {
        continue;
      }
      Event last = result.isEmpty() ? null : result.get(result.size() - 1);
      if (e.kind() == Kind.CHUNK && last != null && last.kind() == Kind.CHUNK && last.index() == e.index()) {
        result.set(result.size() - 1, new Event(Kind.CHUNK, e.index(), e.tag(), last.text() + e.text(), null, false));
      } else {
        result.add(e);
      }
    }
    return result;
  }

  static String render(List<Event> events) {
    StringBuilder s = new StringBuilder();
    for (Event e : events) {
      if (s.length() > 0) {
        s.append(' ');
      }
      s.append(e);
    }
    return s.toString();
  }

  static String quote(String text) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"': s.append("\\\""); break;
        case '\\': s.append("\\\\"); break;
        case '\n': s.append("\\n"); break;
        case '\r': s.append("\\r"); break;
        case '\t': s.append("\\t"); break;
        default: s.append(c);
      }
    }
    return s.append('"').toString();
  }
}
