package dev.gameagent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.AuthenticationException;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmTimeoutException;
import dev.gameagent.core.llm.RateLimitedException;
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.testing.RecordingLogStore;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import dev.gameagent.core.testing.ScriptedStateProvider;
import dev.gameagent.core.testing.TurnOrderChecker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many agents, many threads, random interleavings of interaction events (all three {@code on_busy}
 * modes), notifications, cancels, resets, spec updates, turn results and tool results, racing state
 * replies (immediate, late, failed, never: timeouts) and a scripted LLM that calls back from its own
 * threads after random delays, fails, or hangs. Every turn is checked against the lifecycle
 * invariants, every accepted turn must reach exactly one terminal event (or have been dropped from
 * the queue), every interrupted turn's upstream call must have been cancelled, and nothing may
 * deadlock.
 *
 * <p>The seed is printed; rerun one with {@code -Dengine.stress.seed=N}. {@code -Dengine.stress.ops=N}
 * sets the operations per driver thread.
 */
class EngineStressTest {
  private static final int AGENTS = 12;
  /** An agent the game never answers nor gives a spec, so state timeouts without a cached spec surely happen. */
  private static final String SILENT_AGENT = "agent-0";
  private static final int DRIVERS = 4;
  private static final int OPS_PER_DRIVER = Integer.getInteger("engine.stress.ops", 1500);
  /** The turn endings a run must have produced to have tested what it claims. */
  private static final List<String> EXERCISED_OUTCOMES = List.of("stop", "tool_calls", "error/llm_error",
      "error/state_timeout", "interrupted/superseded", "interrupted/cancelled");
  private static final String TOOL_CALL = "<tool_call name=\"check_inventory\">{\"item\":\"key\"}</tool_call>";
  private static final String[] FRAGMENTS = {
      "<speech>Halt! Who goes there?</speech>", "<emotion>angry</emotion>", "<emotion>furious</emotion>",
      "<action name=\"wave\"/>", "Well... ", "<speech>  spaced   out  </speech>", "<b>bold</b>", "```\n",
      TOOL_CALL, "<speech>The key &amp; the gate", "</speech>", "<tool_call name=\"fly\">{}</tool_call>", "5 < 6 ",
  };
  private static final List<AgentSpec> SPECS = List.of(
      EngineFixture.BROM,
      EngineFixture.BROM_WITH_TOOLS,
      EngineFixture.BROM_WITH_TOOLS.newBuilder().defaultTag("speech").build());

  /** A turn id the session handed out, and what it was for. */
  private record Accepted(String agentId, String turnId, String eventId, boolean continuation) {}

  @ParameterizedTest(name = "state executor: {0}")
  @ValueSource(booleans = {false, true})
  void invariantsHoldUnderRandomConcurrentTraffic(boolean withStateExecutor) throws Exception {
    long seed = Long.getLong("engine.stress.seed", System.nanoTime());
    System.out.println("EngineStressTest seed=" + seed + " (rerun with -Dengine.stress.seed=" + seed + ")");
    Random scriptRandom = new Random(seed);

    ScheduledExecutorService stateReplies = Executors.newScheduledThreadPool(2, daemon("state-replies"));
    ExecutorService continuations = Executors.newFixedThreadPool(2, daemon("state-continuations"));
    ScriptedLlmClient llm = new ScriptedLlmClient(3).scripts(request -> {
      synchronized (scriptRandom) {
        return randomScript(scriptRandom);
      }
    });
    AtomicInteger stateAnswers = new AtomicInteger();
    ScriptedStateProvider provider = ScriptedStateProvider.using(request -> {
      int choice;
      AgentSpec spec;
      long delayMicros;
      synchronized (scriptRandom) {
        choice = scriptRandom.nextInt(100);
        spec = SPECS.get(scriptRandom.nextInt(SPECS.size()));
        delayMicros = scriptRandom.nextInt(3000);
      }
      stateAnswers.incrementAndGet();
      if (request.agentId().equals(SILENT_AGENT)) {
        return new CompletableFuture<>();
      }
      if (choice < 40) {
        return CompletableFuture.completedFuture(spec);
      }
      CompletableFuture<AgentSpec> future = new CompletableFuture<>();
      if (choice < 85) {
        stateReplies.schedule(() -> future.complete(spec), delayMicros, TimeUnit.MICROSECONDS);
      } else if (choice < 90) {
        stateReplies.schedule(() -> future.completeExceptionally(new IllegalStateException("game hiccup")),
            delayMicros, TimeUnit.MICROSECONDS);
      } // else never answered: the state timeout decides
      return future;
    });
    TurnOrderChecker checker = new TurnOrderChecker();
    RecordingLogStore logs = new RecordingLogStore();
    AgentEngine.Builder builder = AgentEngine.builder()
        .llmClient(llm)
        .logStore(logs)
        .stateTimeout(Duration.ofMillis(5))
        .maxToolContinuations(2);
    AgentEngine engine = (withStateExecutor ? builder.stateExecutor(continuations) : builder).build();
    GameSession session = engine.openSession(null, provider, checker);

    List<Accepted> accepted = new CopyOnWriteArrayList<>();
    Map<String, List<String>> turnsByAgent = new ConcurrentHashMap<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Map<ErrorCode, AtomicInteger> refusals = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(DRIVERS);
    for (int d = 0; d < DRIVERS; d++) {
      SplittableRandom random = new SplittableRandom(seed + 1 + d);
      Thread driver = new Thread(() -> {
        try {
          // Past its share, a driver goes on (up to four times as long) until the run has seen
          // every outcome it claims to exercise: which ones occur depends on thread timing.
          for (int op = 0; op < 4 * OPS_PER_DRIVER; op++) {
            if (op >= OPS_PER_DRIVER && op % 100 == 0 && outcomes(logs).keySet().containsAll(EXERCISED_OUTCOMES)) {
              break;
            }
            drive(session, random, accepted, turnsByAgent, refusals);
          }
        } catch (Throwable t) {
          failures.add(t);
        } finally {
          done.countDown();
        }
      }, "driver-" + d);
      driver.setDaemon(true);
      driver.start();
    }
    try {
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("drivers did not finish in 60 s (deadlock?)\n" + threadDump());
      }
      assertThat(failures).isEmpty();

      // Hanging streams end only when cancelled: cancel whatever is left, then everything must settle.
      for (int a = 0; a < AGENTS; a++) {
        session.cancelTurn("agent-" + a, null);
      }
      Set<String> droppedEvents = ConcurrentHashMap.newKeySet();
      awaitOrDump(() -> {
        droppedEvents.addAll(droppedEventIds(logs));
        return engine.activeTurnCount() == 0
            && accepted.stream().allMatch(t -> checker.terminal(t.agentId, t.turnId) != null
                || (!t.continuation && droppedEvents.contains(t.eventId)));
      });

      // Invariants 1-3 per turn, and no overlap of one agent's turns.
      checker.assertValid();
      // No lost turn: every accepted turn ended exactly once (a second terminal is a violation
      // above), or it was a queued event dropped before it started and then it has no event at all.
      for (Accepted turn : accepted) {
        if (checker.terminal(turn.agentId, turn.turnId) == null) {
          assertThat(checker.events(turn.agentId, turn.turnId)).as("events of dropped %s", turn).isEmpty();
        }
      }
      // No phantom turn: everything the listener saw was handed out.
      Set<String> acceptedKeys = accepted.stream().map(t -> t.agentId + "/" + t.turnId).collect(Collectors.toSet());
      assertThat(checker.turnCount()).isLessThanOrEqualTo(accepted.size());
      for (RecordingLogStore.Record ended : logs.records("ended")) {
        assertThat(acceptedKeys).contains(ended.agentId() + "/" + ended.turnId());
      }
      assertThat(session.activeTurnCount()).isZero();

      // An interrupted turn's upstream call was cancelled.
      Map<LlmRequest, String> turnByRequest = new IdentityHashMap<>();
      for (RecordingLogStore.Record request : logs.records("request")) {
        turnByRequest.put((LlmRequest) request.value(), request.agentId() + "/" + request.turnId());
      }
      Map<String, ScriptedLlmClient.Call> callByTurn = new ConcurrentHashMap<>();
      for (ScriptedLlmClient.Call call : llm.calls()) {
        callByTurn.put(turnByRequest.get(call.request()), call);
      }
      int interrupted = 0;
      int interruptedWhileStreaming = 0;
      for (RecordingLogStore.Record ended : logs.records("ended")) {
        if (ended.value() instanceof TurnEvent.Interrupted) {
          interrupted++;
          ScriptedLlmClient.Call call = callByTurn.get(ended.agentId() + "/" + ended.turnId());
          if (call != null) {
            interruptedWhileStreaming++;
            assertThat(call.cancelRequested()).as("upstream call of interrupted %s/%s cancelled",
                ended.agentId(), ended.turnId()).isTrue();
          }
        }
      }

      // The run exercised what it claims to.
      Map<String, Long> outcomes = outcomes(logs);
      System.out.println("EngineStressTest turns=" + accepted.size() + " events=" + checker.eventCount()
          + " llm_calls=" + llm.callCount() + " cancelled_calls=" + llm.cancelCount()
          + " state_requests=" + stateAnswers.get() + " outcomes=" + outcomes + " refusals=" + refusals);
      assertThat(accepted.size()).isGreaterThan(1000);
      assertThat(interruptedWhileStreaming).isGreaterThan(0);
      assertThat(interrupted).isGreaterThan(interruptedWhileStreaming);
      assertThat(outcomes).containsKeys(EXERCISED_OUTCOMES.toArray(new String[0]));
      assertThat(accepted).anyMatch(Accepted::continuation);
      assertThat(refusals).containsKeys(ErrorCode.UNKNOWN_TURN, ErrorCode.DUPLICATE_TURN_RESULT);
    } finally {
      // On a deadlock the shutdown would hang too: give it a bounded chance on its own thread.
      Thread cleanup = daemon("stress-cleanup").newThread(() -> {
        session.shutdown();
        engine.close();
        llm.close();
        stateReplies.shutdownNow();
        continuations.shutdownNow();
      });
      cleanup.start();
      cleanup.join(10_000);
    }
  }

  /** One random operation on a random agent. */
  private static void drive(GameSession session, SplittableRandom random, List<Accepted> accepted,
      Map<String, List<String>> turnsByAgent, Map<ErrorCode, AtomicInteger> refusals) {
    String agentId = "agent-" + random.nextInt(AGENTS);
    List<String> turns = turnsByAgent.computeIfAbsent(agentId, a -> new CopyOnWriteArrayList<>());
    int choice = random.nextInt(100);
    try {
      if (choice < 50) {
        OnBusy onBusy = OnBusy.values()[random.nextInt(3)];
        InteractionEvent e = InteractionEvent.of(session.newEventId(), "player", "line " + choice);
        InteractionEvent event = new InteractionEvent(e.eventId(), "player_said", "player", agentId, e.text(),
            e.timestamp(), onBusy, Map.of());
        String turnId = session.interact(agentId, event);
        if (turnId != null) {
          accepted.add(new Accepted(agentId, turnId, event.eventId(), false));
          turns.add(turnId);
        }
      } else if (choice < 55) {
        session.notify(List.of(agentId, "agent-" + random.nextInt(AGENTS)),
            InteractionEvent.of(session.newEventId(), "world", "a bell rings"));
      } else if (choice < 62) {
        session.cancelTurn(agentId, random.nextBoolean() ? null : recent(turns, random));
      } else if (choice < 74) {
        String turnId = recent(turns, random);
        if (turnId != null) {
          session.confirmTurn(agentId, turnId, List.of(new ConfirmedTag("speech", Map.of(), "Halt!")), random.nextBoolean());
        }
      } else if (choice < 77) {
        String turnId = recent(turns, random);
        if (turnId != null) {
          session.confirmTurnText(agentId, turnId, "<speech>Halt!</speech><action name=\"wave\"/>", false);
        }
      } else if (choice < 89) {
        String turnId = recent(turns, random);
        if (turnId != null) {
          String continuation = session.submitToolResults(agentId, turnId,
              List.of(new ToolResult(turnId + ".c1", "check_inventory", Map.of("found", true), false)));
          if (continuation != null) {
            accepted.add(new Accepted(agentId, continuation, null, true));
            turns.add(continuation);
          }
        }
      } else if (choice < 92) {
        session.resetAgent(agentId);
      } else if (choice < 96) {
        if (!agentId.equals(SILENT_AGENT)) {
          session.updateSpec(agentId, SPECS.get(random.nextInt(SPECS.size())));
        }
      } else {
        session.history(agentId);
      }
    } catch (AgentRequestException e) {
      assertThat(e.code()).isIn(ErrorCode.UNKNOWN_TURN, ErrorCode.DUPLICATE_TURN_RESULT, ErrorCode.TOOL_LOOP_LIMIT);
      refusals.computeIfAbsent(e.code(), c -> new AtomicInteger()).incrementAndGet();
    }
    if (random.nextInt(4) == 0) {
      LockSupport.parkNanos(random.nextInt(300_000));
    }
  }

  private static String recent(List<String> turns, SplittableRandom random) {
    int size = turns.size();
    return size == 0 ? null : turns.get(size - 1 - random.nextInt(Math.min(size, 4)));
  }

  /** A random answer: tagged fragments split at random points, random delays, a random ending. */
  private static Script randomScript(Random random) {
    StringBuilder text = new StringBuilder();
    int fragments = 1 + random.nextInt(5);
    for (int i = 0; i < fragments; i++) {
      text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
    }
    Script.Builder script = Script.builder();
    int kind = random.nextInt(100);
    int cut = kind < 10 ? random.nextInt(text.length() + 1) : text.length(); // failures stop mid-text
    int start = 0;
    while (start < cut) {
      int end = Math.min(cut, start + 1 + random.nextInt(12));
      if (random.nextInt(3) == 0) {
        script.delay(Duration.ofNanos(random.nextInt(2_000_000)));
      }
      script.text(text.substring(start, end));
      start = end;
    }
    if (random.nextBoolean()) {
      script.delay(Duration.ofNanos(random.nextInt(1_000_000)));
    }
    if (kind < 10) {
      return script.fail(randomFailure(random)).build();
    }
    if (kind < 16) {
      return script.build(); // hangs until cancelled
    }
    String reason = kind < 85 ? "stop" : kind < 95 ? "length" : "content_filter";
    return script.complete(reason, random.nextBoolean() ? new Usage(100, text.length() / 4) : null).build();
  }

  private static LlmException randomFailure(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return new RateLimitedException("rate limited", Duration.ofSeconds(1));
      case 1:
        return new ServerErrorException("upstream 503", 503);
      case 2:
        return new AuthenticationException("bad key", 401);
      default:
        return new LlmTimeoutException("idle stream");
    }
  }

  private static Set<String> droppedEventIds(RecordingLogStore logs) {
    Set<String> ids = new HashSet<>();
    for (RecordingLogStore.Record record : logs.records("history")) {
      if (record.value() instanceof HistoryEntry.Event e && e.disposition() == HistoryEntry.Disposition.DROPPED) {
        ids.add(e.event().eventId());
      }
    }
    return ids;
  }

  private static Map<String, Long> outcomes(RecordingLogStore logs) {
    return logs.records("ended").stream().collect(Collectors.groupingBy(
        r -> outcome((TurnEvent) r.value()), Collectors.counting()));
  }

  private static String outcome(TurnEvent terminal) {
    if (terminal instanceof TurnEvent.Finished f) {
      return f.error() == null ? f.finishReason() : "error/" + f.error().code().wireName();
    }
    return "interrupted/" + ((TurnEvent.Interrupted) terminal).reason().wireName();
  }

  private static void awaitOrDump(Callable<Boolean> condition) {
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("engine did not settle in 60 s (deadlock or lost turn?)\n" + threadDump(), e);
    }
  }

  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      dump.append(info);
    }
    return dump.toString();
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
