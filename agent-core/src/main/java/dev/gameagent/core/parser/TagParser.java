package dev.gameagent.core.parser;

import dev.gameagent.core.OutputTag;
import java.util.List;

/**
 * STUB: the streaming tag parser (issue 2). Public API is fixed; the implementation is being
 * written.
 *
 * <p>Not thread-safe: one parser per stream, confined to the thread that feeds it.
 */
public final class TagParser {

  private TagParser(Builder builder) {
    throw new UnsupportedOperationException("TagParser is not implemented yet");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Parses the next piece of the stream; events for whatever it releases reach the listener before this returns. */
  public void feed(CharSequence chunk) {
    throw new UnsupportedOperationException();
  }

  /** Ends the stream: flushes held text, closes an open tag with {@code complete=false}. */
  public void finish() {
    throw new UnsupportedOperationException();
  }

  /** The tags rejected so far, in order. */
  public List<TagRejection> rejections() {
    throw new UnsupportedOperationException();
  }

  public static final class Builder {
    Builder() {}

    /** The declared output tags; required. */
    public Builder tags(List<OutputTag> tags) {
      return this;
    }

    /** The implicit tag for text outside every tag, or null to drop such text. */
    public Builder defaultTag(String defaultTag) {
      return this;
    }

    /** Declared tool names; when non-empty, {@code tool_call} is a structural tag. */
    public Builder tools(java.util.Collection<String> toolNames) {
      return this;
    }

    /** The turn id that prefixes assigned {@code call_id}s ({@code {turn_id}.c{n}}). */
    public Builder callIdPrefix(String turnId) {
      return this;
    }

    public Builder listener(TagListener listener) {
      return this;
    }

    public TagParser build() {
      return new TagParser(this);
    }
  }
}
