package dev.gameagent.benchmarks.engine;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine's overhead per turn, the LLM excluded: one {@code interact} runs a whole turn
 * synchronously — event into history, state request answered by a completed future, prompt built
 * from a 40-entry history, the exact request logged, a short tagged answer (emotion, two speech
 * chunks, an action) parsed and reported as about ten turn events to a listener — because the
 * client answers inside {@code stream} on the calling thread. {@code turnWithResult} adds the game's
 * {@code agent_turn_result}, which keeps the history growing as in a real conversation.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar Engine -f 1 -wi 3 -i 5 -bm sample}; on a
 * shared machine read the median, not the mean.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dlogback.configurationFile=dev/gameagent/benchmarks/engine/logback-benchmark.xml")
public class EngineBenchmark {
  private static final AgentSpec SPEC = AgentSpec.fromMap(Map.of(
      "name", "Brom",
      "role", "town guard",
      "description", "A tired veteran who guards the north gate.",
      "personality", List.of("gruff", "honest"),
      "goals", List.of("keep strangers out after dark"),
      "mood", "irritated",
      "world_state", Map.of("time", "night", "weather", "rain"),
      "instructions", "Keep answers under three sentences."));
  private static final List<String> ANSWER = List.of(
      "<emotion>angry</emotion><speech>Halt! Who goes",
      " there at this hour?</speech>",
      "<action name=\"draw_sword\"/>");
  private static final List<ConfirmedTag> RESULT = List.of(
      new ConfirmedTag("emotion", Map.of(), "angry"),
      new ConfirmedTag("speech", Map.of(), "Halt! Who goes there at this hour?"),
      new ConfirmedTag("action", Map.of("name", "draw_sword"), ""));

  private AgentEngine engine;
  private GameSession session;
  private InteractionEvent event;

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) {
    engine = AgentEngine.builder().llmClient(new InstantLlmClient(ANSWER)).build();
    session = engine.openSession(null, request -> CompletableFuture.completedFuture(SPEC),
        (TurnEvent turnEvent) -> blackhole.consume(turnEvent));
    event = new InteractionEvent("e-1", "player_said", "player", "brom", "Open the gate, it is raining!",
        Instant.now(), null, Map.of());
    // A full prompt: 40 history entries before the measured turns.
    for (int i = 0; i < 20; i++) {
      session.confirmTurn("brom", session.interact("brom", event), RESULT, false);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    session.shutdown();
    engine.close();
  }

  @Benchmark
  public String turn() {
    return session.interact("brom", event);
  }

  @Benchmark
  public String turnWithResult() {
    String turnId = session.interact("brom", event);
    session.confirmTurn("brom", turnId, RESULT, false);
    return turnId;
  }

  /** Answers every request synchronously, inside {@code stream}, with fixed chunks. */
  static final class InstantLlmClient implements LlmClient {
    private static final LlmCompletion DONE = new LlmCompletion("stop", new Usage(400, 30));
    private final List<String> chunks;

    InstantLlmClient(List<String> chunks) {
      this.chunks = chunks;
    }

    @Override
    public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
      for (String chunk : chunks) {
        handler.onText(chunk);
      }
      handler.onComplete(DONE);
      return () -> {};
    }
  }
}
