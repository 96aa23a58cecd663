package dev.gameagent.benchmarks.parser;

import dev.gameagent.core.OutputTag;
import dev.gameagent.core.parser.TagListener;
import dev.gameagent.core.parser.TagParser;
import dev.gameagent.core.parser.TagRejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The streaming tag parser on a realistic NPC transcript (speech, emotions, actions, a stray
 * {@code <}, entities, CRLF, an emoji), fed in 4-character chunks (about one token each) and in
 * 64-character chunks. One operation is one chunk: each invocation parses the whole transcript with
 * a fresh parser, as one turn does, and JMH divides by the chunk count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TagParserBenchmark {

  static final String TURN = String.join("",
      "<emotion>irritated</emotion>\n",
      "<speech>Halt! Who goes there at this hour? The north gate closes at dusk, and dusk was an hour\n",
      "ago. State your business, stranger, and be quick about it &mdash; it's raining.</speech>\n",
      "<action name=\"draw_sword\"/>\r\n",
      "<speech>Ah. You're the courier from Millbrook. I <3 a courier who brings news instead of trouble.\n",
      "Still, rules are rules: 5 < 6 guards on duty means the gate stays shut. Tom &amp; Jerry at the\n",
      "east tower would say the same.</speech>\n",
      "<emotion>neutral</emotion>\n",
      "<action name=\"open_gate\"/>\n",
      "<speech>Fine, fine. Go on through, and mind the mud \uD83D\uDE00. The mayor left town yesterday, so if\n",
      "you carry letters for him, leave them with the &quot;Rusty Anchor&quot; innkeeper.</speech>\n",
      "<action name=\"wave\"/>\n");

  /** The transcript: four turns' worth of output, 2944 UTF-16 units. */
  static final String TRANSCRIPT = TURN.repeat(4);

  static final List<OutputTag> TAGS = List.of(
      OutputTag.text("speech", "Words spoken aloud"),
      new OutputTag("emotion", "Current emotion", List.of("neutral", "irritated", "happy", "angry"), Map.of(), false),
      new OutputTag("action", "A body action", List.of(),
          Map.of("name", List.of("wave", "draw_sword", "open_gate")), true));

  static final int SMALL = 4;
  static final int LARGE = 64;
  /** Chunks of the transcript per size; compile-time constants for JMH, checked in {@link #setUp}. */
  static final int SMALL_CHUNKS = 736;
  static final int LARGE_CHUNKS = 46;

  private String[] smallChunks;
  private String[] largeChunks;

  @Setup
  public void setUp() {
    smallChunks = split(TRANSCRIPT, SMALL);
    largeChunks = split(TRANSCRIPT, LARGE);
    if (smallChunks.length != SMALL_CHUNKS || largeChunks.length != LARGE_CHUNKS) {
      throw new IllegalStateException("transcript changed: update SMALL_CHUNKS to " + smallChunks.length
          + " and LARGE_CHUNKS to " + largeChunks.length);
    }
  }

  @Benchmark
  @OperationsPerInvocation(SMALL_CHUNKS)
  public void chunksOf4(Blackhole blackhole) {
    parse(smallChunks, blackhole);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE_CHUNKS)
  public void chunksOf64(Blackhole blackhole) {
    parse(largeChunks, blackhole);
  }

  private static void parse(String[] chunks, Blackhole blackhole) {
    TagParser parser = TagParser.builder().tags(TAGS).listener(new BlackholeListener(blackhole)).build();
    for (String chunk : chunks) {
      parser.feed(chunk);
    }
    parser.finish();
  }

  static String[] split(String text, int size) {
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < text.length(); i += size) {
      chunks.add(text.substring(i, Math.min(text.length(), i + size)));
    }
    return chunks.toArray(new String[0]);
  }

  /** Consumes every event so none of the parser's work is dead code. */
  static final class BlackholeListener implements TagListener {
    private final Blackhole blackhole;

    BlackholeListener(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void onOpen(int index, String tag, Map<String, String> attributes) {
      blackhole.consume(index);
      blackhole.consume(tag);
      blackhole.consume(attributes);
    }

    @Override
    public void onChunk(int index, String tag, String text) {
      blackhole.consume(index);
      blackhole.consume(text);
    }

    @Override
    public void onClose(int index, String tag, String content, boolean complete) {
      blackhole.consume(content);
      blackhole.consume(complete);
    }

    @Override
    public void onRejected(TagRejection rejection) {
      blackhole.consume(rejection);
    }
  }
}
