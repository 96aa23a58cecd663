package dev.gameagent.benchmarks.parser;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A {@link TagParserBenchmark} case measured in thread CPU time per chunk, a figure that a shared
 * virtual machine distorts far less than JMH's wall-clock score (time spent waiting for a core is
 * not counted, nor is garbage collection on other threads). Runs one chunk size, {@code 4} or
 * {@code 64}, for several rounds after a warm-up and prints each round's mean and the throughput
 * over the transcript's UTF-8 bytes. Give each size its own JVM, as JMH's forks do: a JVM that fed
 * both sizes compiles the parser for the mix, and measures the 64-character case about 10 % slower.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.gameagent.benchmarks.parser.TagParserCpuTime 64}
 */
public final class TagParserCpuTime {
  private static final int TURNS_PER_ROUND = 20_000;
  private static final int WARM_UP_ROUNDS = 4;
  private static final int ROUNDS = 5;

  private TagParserCpuTime() {}

  public static void main(String[] args) {
    int size = args.length == 0 ? TagParserBenchmark.LARGE : Integer.parseInt(args[0]);
    if (size != TagParserBenchmark.SMALL && size != TagParserBenchmark.LARGE) {
      throw new IllegalArgumentException("chunk size " + size + ": 4 or 64");
    }
    TagParserBenchmark benchmark = new TagParserBenchmark();
    benchmark.setUp();
    Blackhole blackhole = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    int chunks = size == TagParserBenchmark.SMALL ? TagParserBenchmark.SMALL_CHUNKS : TagParserBenchmark.LARGE_CHUNKS;
    double bytesPerChunk = (double) TagParserBenchmark.TRANSCRIPT.getBytes(StandardCharsets.UTF_8).length / chunks;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < TURNS_PER_ROUND; i++) {
        if (size == TagParserBenchmark.SMALL) {
          benchmark.chunksOf4(blackhole);
        } else {
          benchmark.chunksOf64(blackhole);
        }
      }
      double nanos = (threads.getCurrentThreadCpuTime() - start) / (double) TURNS_PER_ROUND / chunks;
      if (round >= 0) {
        System.out.printf("round %d  chunksOf%d %6.1f ns/chunk CPU (%.0f MB/s)%n", round, size, nanos, bytesPerChunk / nanos * 1e3);
      }
    }
    blackhole.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
  }
}
