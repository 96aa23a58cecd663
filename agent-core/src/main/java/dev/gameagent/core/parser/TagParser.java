package dev.gameagent.core.parser;

import dev.gameagent.core.OutputTag;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The streaming tag parser: turns a model's token stream into {@link TagListener} events under the
 * protocol's tag grammar.
 *
 * <p>Structural tags are the declared output tags, plus {@code tool_call} when tools are declared,
 * matched ignoring case and reported under their declared name; anything else that looks like
 * markup ({@code <3}, {@code 5 < 6}, {@code <b>}, {@code </speach>}) is text. Tags do not nest: a
 * structural open tag closes the open one (complete). A closing tag that does not match the open
 * tag is dropped. Text outside every tag is dropped, or, with a {@linkplain Builder#defaultTag
 * default tag}, its non-whitespace opens an implicit tag of that name. Content is trimmed; CRLF (and
 * a lone CR) becomes LF; the entities {@code &lt; &gt; &amp; &quot; &apos; &#NN; &#xNN;} are
 * decoded, other {@code &} stay literal. A tag declared self-closing has no content: its open tag
 * closes it even without {@code />}.
 *
 * <p>Declared constraints are compared stripped and ignoring case, and reported in the declared
 * spelling. A tag with an attribute outside its declared list is rejected ({@code
 * attribute_not_allowed}). A tag with declared values, and every {@code tool_call}, is sent whole at
 * its close (open, at most one chunk, close) when allowed, else rejected ({@code value_not_allowed},
 * {@code unknown_tool}, {@code invalid_arguments}, or {@code incomplete} when the stream ended
 * first). A {@code tool_call} is sent with the attributes {@code name} (the declared tool) and
 * {@code call_id} ({@code {callIdPrefix}.c{n}}, n counting sent calls from 1); its content is the
 * JSON object of arguments. Rejected tags are reported through {@link TagListener#onRejected} and
 * {@link #rejections()}, take no index, and send nothing.
 *
 * <p>Latency: text is released by the very {@code feed} that delivered it unless it may still be
 * markup ({@code <spe}, {@code &am}; a name of at most 64 UTF-16 units, and once a declared name
 * matched, a tag of at most 1024 units up to its {@code >}, after which it is text), is a run of
 * whitespace that may prove trailing, is a high surrogate at the chunk's end (an unpaired surrogate
 * becomes U+FFFD), or belongs to a tag sent whole. Markup that proves not to be markup is released
 * verbatim. Each {@code feed} sends at most one chunk per tag.
 *
 * <p>Malformed model output is never an exception: it becomes text, a dropped closing tag, or a
 * rejection. Work is linear in the input: every character is examined at most twice.
 *
 * <p>Not thread-safe: one parser per stream, confined to the thread that feeds it. Events reach the
 * listener on that thread, before the {@code feed} or {@code finish} that caused them returns; an
 * exception thrown by the listener propagates to that caller. After {@link #finish()} no further
 * events are sent.
 */
public final class TagParser {

  private final Tokeniser tokeniser;
  private final TagAssembler assembler;
  private boolean finished;

  private TagParser(Builder builder) {
    Objects.requireNonNull(builder.tags, "tags == null");
    Objects.requireNonNull(builder.listener, "listener == null");
    TagNames names = TagDeclarations.names(builder.tags, builder.tools);
    DeclaredTag defaultTag = null;
    if (builder.defaultTag != null && !builder.defaultTag.isBlank()) {
      defaultTag = names.find(builder.defaultTag);
      if (defaultTag == null || defaultTag.toolCall()) {
        defaultTag = DeclaredTag.of(OutputTag.text(builder.defaultTag, ""));
      }
    }
    String prefix = builder.callIdPrefix == null || builder.callIdPrefix.isEmpty() ? "" : builder.callIdPrefix + ".";
    this.assembler = new TagAssembler(builder.listener, defaultTag, prefix);
    this.tokeniser = new Tokeniser(names, assembler);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses the next piece of the stream; events for whatever it releases reach the listener before
   * this returns.
   *
   * @throws IllegalStateException after {@link #finish()}
   */
  public void feed(CharSequence chunk) {
    Objects.requireNonNull(chunk, "chunk == null");
    if (finished) {
      throw new IllegalStateException("feed after finish");
    }
    tokeniser.feed(chunk);
  }

  /**
   * Ends the stream: flushes held text, closes an open tag with {@code complete=false} (a tag sent
   * whole is rejected as {@code incomplete}). Calling it again does nothing.
   */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    tokeniser.finish();
  }

  /** The tags rejected so far, in order; a snapshot. */
  public List<TagRejection> rejections() {
    return assembler.rejections();
  }

  /** Configures a {@link TagParser}; {@link #tags} and {@link #listener} are required. */
  public static final class Builder {
    private List<OutputTag> tags;
    private String defaultTag;
    private List<String> tools = List.of();
    private String callIdPrefix;
    private TagListener listener;

    Builder() {}

    /** The declared output tags; required. Of names equal ignoring case, the first counts. */
    public Builder tags(List<OutputTag> tags) {
      this.tags = List.copyOf(Objects.requireNonNull(tags, "tags == null"));
      return this;
    }

    /**
     * The implicit tag for text outside every tag, or null to drop such text. A declared name
     * (ignoring case) brings that tag's spelling and constraints; any other name is a free-text tag.
     */
    public Builder defaultTag(String defaultTag) {
      this.defaultTag = defaultTag;
      return this;
    }

    /** Declared tool names; when non-empty, {@code tool_call} is a structural tag. */
    public Builder tools(Collection<String> toolNames) {
      this.tools = toolNames == null ? List.of() : List.copyOf(toolNames);
      return this;
    }

    /**
     * The turn id that prefixes assigned {@code call_id}s ({@code {turn_id}.c{n}}); when null or
     * empty the ids are just {@code c{n}}.
     */
    public Builder callIdPrefix(String turnId) {
      this.callIdPrefix = turnId;
      return this;
    }

    /** Receives the events; required. */
    public Builder listener(TagListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    public TagParser build() {
      return new TagParser(this);
    }
  }
}
