package dev.gameagent.benchmarks.parser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH result file of a sample-mode run ({@code -bm sample -rf json}) and prints, per
 * iteration, the lowest mode of the per-invocation times: its share of the invocations, its mean,
 * and where it ends. On a shared virtual machine the same invocation takes one of two times, one at
 * the machine's own speed and a much slower one while the host is busy with other work, so the
 * mean JMH reports mixes the two in whatever proportion the host allows; the lowest mode is what
 * the code itself costs. For {@link TagParserBenchmark} the mode's mean is also given in MB/s of the
 * transcript's UTF-8.
 *
 * <p>The times are put in buckets 2 % of the fastest time wide; a bucket with fewer than 0.1 % of the
 * iteration's invocations is nearly empty. The lowest mode starts at the first bucket that is not,
 * and ends where {@value #EMPTY_BUCKETS} nearly empty buckets follow one another.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.gameagent.benchmarks.parser.SampleModes result.json}
 */
public final class SampleModes {
  private static final int EMPTY_BUCKETS = 3;
  private static final double BUCKET = 0.02;
  private static final double EMPTY = 0.001;

  private SampleModes() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: SampleModes JMH_RESULT.json...");
    }
    ObjectMapper json = new ObjectMapper();
    for (String file : args) {
      for (JsonNode result : json.readTree(Path.of(file).toFile())) {
        if (!"sample".equals(result.path("mode").asText())) {
          continue;
        }
        String benchmark = result.path("benchmark").asText();
        String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
        double bytesPerOp = bytesPerOp(benchmark);
        String unit = result.path("primaryMetric").path("scoreUnit").asText();
        JsonNode forks = result.path("primaryMetric").path("rawDataHistogram");
        for (int fork = 0; fork < forks.size(); fork++) {
          for (int iteration = 0; iteration < forks.get(fork).size(); iteration++) {
            Mode mode = lowestMode(forks.get(fork).get(iteration));
            System.out.printf("%s fork %d iteration %d: %d invocations, mean %.1f %s; lowest mode %.1f %% of them,"
                    + " mean %.1f %s%s, up to %.0f; %s%n", name, fork + 1, iteration + 1, mode.total(), mode.mean(), unit,
                100.0 * mode.count() / mode.total(), mode.modeMean(), unit,
                bytesPerOp > 0 ? String.format(" (%.0f MB/s)", bytesPerOp / mode.modeMean() * 1e3) : "", mode.last(),
                Double.isNaN(mode.next()) ? "no other mode" : String.format("the next mode from %.0f", mode.next()));
          }
        }
      }
    }
  }

  /** UTF-8 bytes per operation of a {@link TagParserBenchmark} case, else 0. */
  private static double bytesPerOp(String benchmark) {
    double bytes = TagParserBenchmark.TRANSCRIPT.getBytes(StandardCharsets.UTF_8).length;
    if (benchmark.equals(TagParserBenchmark.class.getName() + ".chunksOf64")) {
      return bytes / TagParserBenchmark.LARGE_CHUNKS;
    }
    if (benchmark.equals(TagParserBenchmark.class.getName() + ".chunksOf4")) {
      return bytes / TagParserBenchmark.SMALL_CHUNKS;
    }
    return 0;
  }

  /** An iteration's histogram ({@code [[time, count], ...]}) and its lowest mode. */
  private static Mode lowestMode(JsonNode histogram) {
    double fastest = Double.MAX_VALUE;
    long total = 0;
    double sum = 0;
    for (JsonNode bin : histogram) {
      fastest = Math.min(fastest, bin.get(0).asDouble());
      total += bin.get(1).asLong();
      sum += bin.get(0).asDouble() * bin.get(1).asLong();
    }
    double width = Math.max(1, fastest * BUCKET);
    TreeMap<Integer, Long> buckets = new TreeMap<>();
    for (JsonNode bin : histogram) {
      buckets.merge(bucket(bin.get(0).asDouble(), fastest, width), bin.get(1).asLong(), Long::sum);
    }
    // the mode starts at the first bucket that is not nearly empty, and ends before the first run
    // of nearly empty buckets after it
    int begin = buckets.firstKey();
    for (Map.Entry<Integer, Long> bucket : buckets.entrySet()) {
      if (bucket.getValue() >= EMPTY * total) {
        begin = bucket.getKey();
        break;
      }
    }
    int end = begin;
    int sparseRun = 0;
    while (sparseRun < EMPTY_BUCKETS && end <= buckets.lastKey()) {
      sparseRun = buckets.getOrDefault(end, 0L) < EMPTY * total ? sparseRun + 1 : 0;
      end++;
    }
    end -= sparseRun;
    Integer nextMode = null;
    for (Map.Entry<Integer, Long> bucket : buckets.tailMap(end).entrySet()) {
      if (bucket.getValue() >= EMPTY * total) {
        nextMode = bucket.getKey();
        break;
      }
    }
    long count = 0;
    double modeSum = 0;
    double last = fastest;
    for (JsonNode bin : histogram) {
      double time = bin.get(0).asDouble();
      int bucket = bucket(time, fastest, width);
      if (bucket >= begin && bucket < end) {
        count += bin.get(1).asLong();
        modeSum += time * bin.get(1).asLong();
        last = Math.max(last, time);
      }
    }
    double next = nextMode == null ? Double.NaN : fastest + nextMode * width;
    return new Mode(total, sum / total, count, modeSum / count, last, next);
  }

  private static int bucket(double time, double fastest, double width) {
    return (int) ((time - fastest) / width);
  }

  /** An iteration's invocations: their count and mean, and its lowest mode's count, mean, last time and the next mode's start. */
  private record Mode(long total, double mean, long count, double modeMean, double last, double next) {}
}
