package dev.gameagent.core.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gameagent.core.OutputTag;
import dev.gameagent.core.parser.TraceListener.Event;
import dev.gameagent.core.parser.TraceListener.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs inputs through parsers of one configuration and checks what they release: the merged events
 * against an expected trace, the same events for every chunking, and after every prefix that what
 * is still held back is only what the protocol allows to be held.
 */
final class ParserHarness {

  private static final List<String> ENTITY_NAMES = List.of("lt", "gt", "amp", "quot", "apos");

  private final List<OutputTag> tags;
  private final String defaultTag;
  private final List<String> tools;
  private final String callIdPrefix;

  ParserHarness(List<OutputTag> tags, String defaultTag, List<String> tools, String callIdPrefix) {
    this.tags = List.copyOf(tags);
    this.defaultTag = defaultTag;
    this.tools = List.copyOf(tools);
    this.callIdPrefix = callIdPrefix;
  }

  ParserHarness withDefaultTag(String name) {
    return new ParserHarness(tags, name, tools, callIdPrefix);
  }

  ParserHarness withTools(List<String> names) {
    return new ParserHarness(tags, defaultTag, names, callIdPrefix);
  }

  /** A parser of this configuration feeding {@code listener}. */
  TagParser parser(TagListener listener) {
    return TagParser.builder()
        .tags(tags)
        .defaultTag(defaultTag)
        .tools(tools)
        .callIdPrefix(callIdPrefix)
        .listener(listener)
        .build();
  }

  /** Feeds {@code chunks}, then finishes; the events carry a marker after each feed. */
  List<Event> run(List<String> chunks) {
    TraceListener trace = new TraceListener();
    TagParser parser = parser(trace);
    for (String chunk : chunks) {
      parser.feed(chunk);
      trace.feedEnded();
    }
    parser.finish();
    List<Event> events = trace.events();
    assertWellFormed(events);
    return events;
  }

  /** The trace of feeding {@code chunks} and finishing, with a {@code |} after each feed. */
  String feeds(String... chunks) {
    return TraceListener.render(run(List.of(chunks)));
  }

  /**
   * Asserts the merged events of {@code input} for one feed, every two-way split and one character
   * at a time, and that after each character exactly what may not be held back was released.
   */
  void assertParses(String input, String expected) {
    assertThat(merged(List.of(input))).as("one feed of %s", TraceListener.quote(input)).isEqualTo(expected);
    for (int k = 1; k < input.length(); k++) {
      assertThat(merged(List.of(input.substring(0, k), input.substring(k))))
          .as("split at %d of %s", k, TraceListener.quote(input))
          .isEqualTo(expected);
    }
    List<String> chars = new ArrayList<>();
    for (int i = 0; i < input.length(); i++) {
      chars.add(input.substring(i, i + 1));
    }
    List<Event> oneByOne = run(chars);
    assertThat(TraceListener.render(TraceListener.merged(oneByOne)))
        .as("one character at a time of %s", TraceListener.quote(input))
        .isEqualTo(expected);
    assertReleases(input, chars, oneByOne);
  }

  /**
   * Asserts for each feed of {@code events} (a run of {@code chunks} of {@code input}) that it
   * released what one feed of the whole prefix releases, and that the prefix holds back only what
   * the protocol allows.
   */
  void assertReleases(String input, List<String> chunks, List<Event> events) {
    int end = 0;
    int eventPos = 0;
    List<Event> releasedSoFar = new ArrayList<>();
    for (String chunk : chunks) {
      end += chunk.length();
      while (events.get(eventPos).kind() != Kind.FEED) {
        releasedSoFar.add(events.get(eventPos++));
      }
      eventPos++;
      String prefix = input.substring(0, end);

      TraceListener trace = new TraceListener();
      TagParser parser = parser(trace);
      parser.feed(prefix);
      assertThat(TraceListener.render(TraceListener.merged(releasedSoFar)))
          .as("released after %s", TraceListener.quote(prefix))
          .isEqualTo(TraceListener.render(TraceListener.merged(trace.events())));
      int released = trace.events().size();
      parser.finish();
      assertOnlyPermittedHold(prefix, trace.events().subList(released, trace.events().size()));
    }
  }

  /** {@code atFinish}, what finishing after {@code prefix} sent, may only be a permitted hold. */
  void assertOnlyPermittedHold(String prefix, List<Event> atFinish) {
    StringBuilder text = new StringBuilder();
    for (Event e : atFinish) {
      switch (e.kind()) {
        case OPEN:
          assertThat(e.tag()).as("only the default tag opens at finish of %s", TraceListener.quote(prefix))
              .isEqualToIgnoringCase(defaultTag);
          break;
        case CHUNK:
          text.append(e.text());
          break;
        case CLOSE:
          assertThat(e.complete()).as("closed at finish: %s", e).isFalse();
          break;
        case REJECTED:
          assertThat(e.text()).isEqualTo(TagRejection.INCOMPLETE);
          break;
        default:
          fail("unexpected " + e);
      }
    }
    String held = text.toString();
    String source = prefix;
    if (!source.isEmpty() && Character.isHighSurrogate(source.charAt(source.length() - 1)) && held.endsWith("\uFFFD")) {
      held = held.substring(0, held.length() - 1);
      source = source.substring(0, source.length() - 1);
    }
    held = held.stripLeading();
    if (held.isEmpty()) {
      return;
    }
    // the held text ends the input, but for whitespace trimmed off the content it ends (a held tag's
    // own trailing whitespace, as in "<a \n" cut off before a surrogate's pair, is trimmed too)
    assertThat(normalized(source).stripTrailing()).as("held text is the end of the input").endsWith(held.stripTrailing());
    assertThat(permittedMarkupPrefix(held))
        .as("text %s held back at the end of %s may still be markup", TraceListener.quote(held), TraceListener.quote(prefix))
        .isTrue();
  }

  private boolean permittedMarkupPrefix(String held) {
    if (held.startsWith("&")) {
      String name = held.substring(1);
      return name.length() <= Tokeniser.NAME_LIMIT
          && (ENTITY_NAMES.stream().anyMatch(n -> n.startsWith(name))
              || name.matches("#[0-9]*")
              || name.matches("#[xX][0-9a-fA-F]*"));
    }
    if (!held.startsWith("<")) {
      return false;
    }
    String rest = held.substring(1);
    boolean closing = rest.startsWith("/");
    if (closing) {
      rest = rest.substring(1);
    }
    List<String> names = declaredNames();
    if (rest.isEmpty()) {
      return true;
    }
    for (String name : names) {
      if (rest.length() <= name.length()) {
        if (rest.length() <= Tokeniser.NAME_LIMIT && name.regionMatches(true, 0, rest, 0, rest.length())) {
          return true;
        }
      } else if (rest.regionMatches(true, 0, name, 0, name.length()) && name.length() <= Tokeniser.NAME_LIMIT) {
        String after = rest.substring(name.length());
        if (closing ? after.isBlank() : (Character.isWhitespace(after.charAt(0)) || after.charAt(0) == '/')) {
          return held.length() < Tokeniser.TAG_LIMIT + 1;
        }
      }
    }
    return false;
  }

  /** The structural tag names: the declared tags, and {@code tool_call} when tools are declared. */
  List<String> declaredNames() {
    List<String> names = new ArrayList<>();
    tags.forEach(t -> names.add(t.name()));
    if (!tools.isEmpty()) {
      names.add("tool_call");
    }
    return names;
  }

  @Override
  public String toString() {
    List<String> described = new ArrayList<>();
    tags.forEach(t -> described.add(t.name() + (t.values().isEmpty() ? "" : t.values().toString())
        + (t.attributes().isEmpty() ? "" : t.attributes().toString()) + (t.selfClosing() ? "/" : "")));
    return "tags " + described + " default " + defaultTag + " tools " + tools;
  }

  /** The input as the parser sees it: CRLF and CR as LF, unpaired surrogates as U+FFFD. */
  static String normalized(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r') {
        out.append('\n');
        if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private String merged(List<String> chunks) {
    return TraceListener.render(TraceListener.merged(run(chunks)));
  }

  /**
   * Asserts the protocol's event order: open i, chunks of i, close i, then i+1; rejections only
   * between tags; chunks not empty and joined equal to the trimmed content; nothing left open.
   */
  static void assertWellFormed(List<Event> events) {
    int nextIndex = 0;
    Event open = null;
    StringBuilder chunks = new StringBuilder();
    for (Event e : events) {
      switch (e.kind()) {
        case OPEN:
          assertThat(open).as("open while %s is open in %s", open, events).isNull();
          assertThat(e.index()).as("gapless index in %s", events).isEqualTo(nextIndex++);
          assertThat(e.attributes()).isNotNull();
          open = e;
          chunks.setLength(0);
          break;
        case CHUNK:
          assertThat(open).as("chunk outside a tag in %s", events).isNotNull();
          assertThat(e.index()).isEqualTo(open.index());
          assertThat(e.tag()).isEqualTo(open.tag());
          assertThat(e.text()).as("empty chunk in %s", events).isNotEmpty();
          chunks.append(e.text());
          break;
        case CLOSE:
          assertThat(open).as("close outside a tag in %s", events).isNotNull();
          assertThat(e.index()).isEqualTo(open.index());
          assertThat(e.tag()).isEqualTo(open.tag());
          assertThat(e.text()).as("content is the chunks joined in %s", events).isEqualTo(chunks.toString());
          assertThat(e.text()).as("content is trimmed").isEqualTo(e.text().strip());
          open = null;
          break;
        case REJECTED:
          assertThat(open).as("rejection inside a tag in %s", events).isNull();
          break;
        default:
          break;
      }
    }
    assertThat(open).as("left open in %s", events).isNull();
  }
}
