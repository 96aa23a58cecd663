package dev.gameagent.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gameagent.server.AgentServer;
import dev.gameagent.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.LoggerFactory;

/**
 * End-to-end server load: N WebSocket clients, each driving M agents, against an in-process
 * {@link AgentServer} on loopback running the offline model at full speed (no pacing). Every agent
 * runs its turns back to back: interaction event, state snapshot, the streamed turn, the next event.
 * Reports completed turns per second and the time to first tag (interaction event sent to first
 * {@code agent_tag_open} received, state round trip included) at p50 and p99.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.gameagent.benchmarks.load.ServerLoadBenchmark \
 *     --clients 50 --agents 4 --turns 20
 * </pre>
 *
 * Bounded: it stops after the given turns or after {@code --timeout-s} (300 s), whichever is first.
 * Loopback only.
 */
public final class ServerLoadBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int clients;
  private final int agents;
  private final int turnsPerAgent;
  private final List<Long> firstTagNanos = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong tags = new AtomicLong();
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger clientFailures = new AtomicInteger();
  private final int timeoutSeconds;

  private ServerLoadBenchmark(int clients, int agents, int turnsPerAgent, int timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
    this.clients = clients;
    this.agents = agents;
    this.turnsPerAgent = turnsPerAgent;
  }

  public static void main(String[] args) throws Exception {
    Map<String, Integer> opts = new ConcurrentHashMap<>(Map.of("--clients", 50, "--agents", 4, "--turns", 20,
        "--warmup-turns", 5, "--timeout-s", 300));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opts.containsKey(args[i])) {
        System.err.println("unknown option " + args[i] + "; known: " + opts.keySet());
        System.exit(2);
      }
      opts.put(args[i], Integer.parseInt(args[i + 1]));
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Path logs = Files.createTempDirectory("game-agent-load");
    ServerConfig config = ServerConfig.newBuilder().port(0).logsDir(logs)
        .llmEnvironment(Map.of("LLM_PROVIDER", "offline", "LLM_OFFLINE_TOKENS_PER_SECOND", "0"))
        .build();
    // An OkHttp WebSocket holds a dispatcher slot while open: lift the 64-call default.
    okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
    dispatcher.setMaxRequests(1_000_000);
    dispatcher.setMaxRequestsPerHost(1_000_000);
    OkHttpClient http = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(0, TimeUnit.SECONDS)
        .connectTimeout(60, TimeUnit.SECONDS).build();
    try (AgentServer server = AgentServer.newBuilder().config(config).build().start()) {
      System.out.printf(Locale.ROOT, "server %s, model: %s%n", server.webSocketUrl(), server.modelDescription());
      new ServerLoadBenchmark(opts.get("--clients"), opts.get("--agents"), opts.get("--warmup-turns"), opts.get("--timeout-s"))
          .run(http, server.webSocketUrl(), "warmup", false);
      new ServerLoadBenchmark(opts.get("--clients"), opts.get("--agents"), opts.get("--turns"), opts.get("--timeout-s"))
          .run(http, server.webSocketUrl(), "measured", true);
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private void run(OkHttpClient http, String url, String label, boolean report) throws InterruptedException {
    int total = clients * agents * turnsPerAgent;
    CountDownLatch done = new CountDownLatch(total);
    List<WebSocket> sockets = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      sockets.add(http.newWebSocket(new Request.Builder().url(url).build(), new Client(done)));
    }
    boolean completed = done.await(timeoutSeconds, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    sockets.forEach(s -> s.close(1000, null));
    if (!completed) {
      System.out.printf(Locale.ROOT, "%s TIMED OUT: %d of %d sessions started, %d clients failed, %d turns done%n",
          label, sessions.get(), clients, clientFailures.get(), finished.get());
    }
    if (!report) {
      System.out.printf(Locale.ROOT, "%s: %d turns in %.1f s%n", label, finished.get(), elapsed / 1e9);
      return;
    }
    long[] ttft = firstTagNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT,
        "%s: %d clients x %d agents x %d turns = %d turns (%d failed)%s in %.2f s%n"
            + "  throughput      %.0f turns/s, %.0f tags/s%n"
            + "  time to 1st tag p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        label, clients, agents, turnsPerAgent, finished.get(), failed.get(), completed ? "" : " (TIMED OUT)",
        elapsed / 1e9, finished.get() / (elapsed / 1e9), tags.get() / (elapsed / 1e9),
        percentile(ttft, 0.50) / 1e6, percentile(ttft, 0.99) / 1e6, ttft.length == 0 ? 0 : ttft[ttft.length - 1] / 1e6);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /** One game connection driving {@code agents} agents, each with its turns back to back. */
  private final class Client extends WebSocketListener {
    private final CountDownLatch done;
    private final Map<String, Integer> turnsLeft = new ConcurrentHashMap<>();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();

    Client(CountDownLatch done) {
      this.done = done;
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      JsonNode m;
      try {
        m = JSON.readTree(text);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      String agent = m.path("agent_id").asText();
      switch (m.path("type").asText()) {
        case "session_started" -> {
          sessions.incrementAndGet();
          for (int a = 0; a < agents; a++) {
            turnsLeft.put("npc-" + a, turnsPerAgent);
            interact(ws, "npc-" + a);
          }
        }
        case "get_agent_state" -> ws.send("{\"type\":\"agent_state_snapshot\",\"agent_id\":\"" + agent
            + "\",\"request_id\":\"" + m.path("request_id").asText()
            + "\",\"state\":{\"name\":\"Guard " + agent + "\",\"role\":\"town guard\","
            + "\"personality\":[\"gruff\",\"honest\"],\"location\":\"north gate\"}}");
        case "agent_tag_open" -> {
          tags.incrementAndGet();
          Long sent = sentAt.remove(agent);
          if (sent != null) {
            firstTagNanos.add(System.nanoTime() - sent);
          }
        }
        case "agent_turn_finished", "agent_turn_interrupted" -> {
          if (!"stop".equals(m.path("finish_reason").asText())) {
            failed.incrementAndGet();
          }
          finished.incrementAndGet();
          done.countDown();
          if (turnsLeft.merge(agent, -1, Integer::sum) > 0) {
            interact(ws, agent);
          }
        }
        default -> { }
      }
    }

    private void interact(WebSocket ws, String agent) {
      sentAt.put(agent, System.nanoTime());
      ws.send("{\"type\":\"interaction_event\",\"agent_id\":\"" + agent
          + "\",\"event\":{\"kind\":\"player_said\",\"source\":\"player\",\"text\":\"Good evening! Any news?\"}}");
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, okhttp3.Response response) {
      clientFailures.incrementAndGet();
      System.err.println("client failed: " + t + (response == null ? "" : " HTTP " + response.code()));
    }
  }
}
