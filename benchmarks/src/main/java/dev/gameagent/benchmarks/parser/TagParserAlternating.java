package dev.gameagent.benchmarks.parser;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Compares this build's {@link TagParserBenchmark} case with another build's in one JVM: each build
 * is loaded by its own class loader (so each gets its own JIT profile and compiled code), and their
 * short rounds alternate, so a slow phase of a shared virtual machine hits both alike. Prints, per
 * build, the best, lower-quartile and median round in thread CPU time per chunk, and the median
 * ratio of the two builds' rounds run back to back, the figure that the host's swings in speed
 * distort least. The build loaded first gains a few percent (a build against itself gives 0.96 to
 * 0.98), so run a comparison in both orders; two runs that agree are a result.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.gameagent.benchmarks.parser.TagParserAlternating 64 /path/to/other/benchmarks.jar}
 */
public final class TagParserAlternating {
  private static final int TURNS_PER_ROUND = 2_000;
  private static final int WARM_UP_ROUNDS = 30;
  private static final int ROUNDS = 200;

  private TagParserAlternating() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: TagParserAlternating 4|64 OTHER_BENCHMARKS_JAR");
    }
    int size = Integer.parseInt(args[0]);
    URL self = TagParserAlternating.class.getProtectionDomain().getCodeSource().getLocation();
    URL other = Path.of(args[1]).toUri().toURL();
    Build[] builds = {new Build("this build", self, size), new Build(args[1], other, size)};
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] rounds = new double[builds.length][ROUNDS];
    for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
      for (int k = 0; k < builds.length; k++) {
        int b = (round & 1) == 0 ? k : builds.length - 1 - k; // ABBA: a drift favours neither
        long start = threads.getCurrentThreadCpuTime();
        builds[b].turns(TURNS_PER_ROUND);
        double nanos = (threads.getCurrentThreadCpuTime() - start) / (double) TURNS_PER_ROUND / builds[b].chunks;
        if (round >= 0) {
          rounds[b][round] = nanos;
        }
      }
    }
    for (int b = 0; b < builds.length; b++) {
      double[] sorted = rounds[b].clone();
      Arrays.sort(sorted);
      System.out.printf("chunksOf%d  best %6.1f  lower quartile %6.1f  median %6.1f ns/chunk CPU  %s%n", size,
          sorted[0], sorted[ROUNDS / 4], sorted[ROUNDS / 2], builds[b].name);
    }
    // a round and its neighbour ran within milliseconds of each other, so at the same host speed
    double[] ratios = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      ratios[round] = rounds[0][round] / rounds[1][round];
    }
    Arrays.sort(ratios);
    System.out.printf("this build / other, per round: median %.3f (quartiles %.3f to %.3f)%n", ratios[ROUNDS / 2],
        ratios[ROUNDS / 4], ratios[ROUNDS * 3 / 4]);
  }

  /** One build's benchmark, reached by reflection through its own class loader. */
  private static final class Build {
    final String name;
    final int chunks;
    private final Object benchmark;
    private final Object blackhole;
    private final Method turn;

    Build(String name, URL jar, int size) throws Exception {
      this.name = name;
      ClassLoader loader = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader());
      Class<?> type = loader.loadClass(TagParserBenchmark.class.getName());
      Class<?> blackholeType = loader.loadClass("org.openjdk.jmh.infra.Blackhole");
      this.benchmark = type.getConstructor().newInstance();
      type.getMethod("setUp").invoke(benchmark);
      this.blackhole = blackholeType.getConstructor(String.class).newInstance(
          "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
      if (size == TagParserBenchmark.SMALL) {
        this.turn = type.getMethod("chunksOf4", blackholeType);
        this.chunks = TagParserBenchmark.SMALL_CHUNKS;
      } else if (size == TagParserBenchmark.LARGE) {
        this.turn = type.getMethod("chunksOf64", blackholeType);
        this.chunks = TagParserBenchmark.LARGE_CHUNKS;
      } else {
        throw new IllegalArgumentException("chunk size " + size + ": 4 or 64");
      }
    }

    void turns(int count) throws Exception {
      for (int i = 0; i < count; i++) {
        turn.invoke(benchmark, blackhole);
      }
    }
  }
}
