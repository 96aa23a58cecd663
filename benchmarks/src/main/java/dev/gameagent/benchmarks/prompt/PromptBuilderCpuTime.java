package dev.gameagent.benchmarks.prompt;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link PromptBuilderBenchmark} cases measured in thread CPU time per build, a figure that a
 * shared, overloaded machine distorts far less than JMH's wall-clock score (time spent waiting for
 * a core is not counted; garbage collection, on other threads, is not either). Runs each case for
 * several rounds after a warm-up and prints the per-round means.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.gameagent.benchmarks.prompt.PromptBuilderCpuTime}
 */
public final class PromptBuilderCpuTime {
  private static final int BUILDS_PER_ROUND = 100_000;
  private static final int ROUNDS = 5;

  private PromptBuilderCpuTime() {}

  public static void main(String[] args) {
    PromptBuilderBenchmark benchmark = new PromptBuilderBenchmark();
    benchmark.setUp();
    Map<String, Supplier<Object>> cases = Map.of(
        "sameSpecInstance", benchmark::sameSpecInstance,
        "freshEqualSpec", benchmark::freshEqualSpec,
        "changedSpec", benchmark::changedSpec,
        "coldCaches", benchmark::coldCaches);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int round = -2; round < ROUNDS; round++) { // rounds -2 and -1 warm up
      for (String name : new String[] {"sameSpecInstance", "freshEqualSpec", "changedSpec", "coldCaches"}) {
        Supplier<Object> build = cases.get(name);
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < BUILDS_PER_ROUND; i++) {
          sink += System.identityHashCode(build.get());
        }
        double micros = (threads.getCurrentThreadCpuTime() - start) / 1e3 / BUILDS_PER_ROUND;
        if (round >= 0) {
          System.out.printf("round %d  %-17s %6.2f us/op CPU%n", round, name, micros);
        }
      }
    }
    System.out.println(sink == 42 ? "" : "done");
  }
}
