package dev.gameagent.benchmarks.parser;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The {@link TagParserBenchmark} cases measured in thread CPU time per chunk, a figure that a
 * shared machine distorts far less than JMH's wall-clock score (time spent waiting for a core is
 * not counted, nor is garbage collection on other threads). Runs both chunk sizes for several
 * rounds after a warm-up and prints the per-round means and the throughput over the transcript's
 * UTF-8 bytes.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.gameagent.benchmarks.parser.TagParserCpuTime}
 */
public final class TagParserCpuTime {
  private static final int TURNS_PER_ROUND = 20_000;
  private static final int ROUNDS = 5;

  private TagParserCpuTime() {}

  public static void main(String[] args) {
    TagParserBenchmark benchmark = new TagParserBenchmark();
    benchmark.setUp();
    Blackhole blackhole = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    double bytesPerChunk64 = (double) TagParserBenchmark.TRANSCRIPT.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        / TagParserBenchmark.LARGE_CHUNKS;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = -3; round < ROUNDS; round++) { // negative rounds warm up
      long start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < TURNS_PER_ROUND; i++) {
        benchmark.chunksOf4(blackhole);
      }
      double small = (threads.getCurrentThreadCpuTime() - start) / (double) TURNS_PER_ROUND / TagParserBenchmark.SMALL_CHUNKS;
      start = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < TURNS_PER_ROUND; i++) {
        benchmark.chunksOf64(blackhole);
      }
      double large = (threads.getCurrentThreadCpuTime() - start) / (double) TURNS_PER_ROUND / TagParserBenchmark.LARGE_CHUNKS;
      if (round >= 0) {
        System.out.printf("round %d  chunksOf4 %6.1f ns/chunk CPU   chunksOf64 %6.1f ns/chunk CPU (%.0f MB/s)%n",
            round, small, large, bytesPerChunk64 / large * 1e3);
      }
    }
    blackhole.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
  }
}
