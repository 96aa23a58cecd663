package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.llm.LlmConfig;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The offline default model as an {@link LlmClient}: no network, no key, a deterministic in-character
 * answer (see {@link OfflineModel}) streamed in small pieces at {@link LlmConfig#offlineTokensPerSecond()}
 * from its own daemon scheduler threads, with usage figures (prompt tokens estimated at four
 * characters each, one completion token per piece). Honours the request's token limit (finish
 * {@code length}) and stop sequences. Thread-safe; {@link #close()} ends the calls in flight and stops
 * the scheduler.
 *
 * <p>Callbacks never run on the thread that calls {@code stream}, with one exception: when the
 * client is closed while {@code stream} runs, {@code onError} may arrive on the caller's thread before
 * {@code stream} returns.
 */
final class OfflineClient implements LlmClient, AutoCloseable {
  static final String MODEL = "offline";

  private final OfflineModel model = new OfflineModel();
  /** Calls not yet over, so that {@link #close()} can end them. */
  private final Set<OfflineCall> active = ConcurrentHashMap.newKeySet();
  private final ScheduledThreadPoolExecutor scheduler;
  private final long periodNanos;

  OfflineClient(LlmConfig config) {
    Objects.requireNonNull(config, "config == null");
    double tps = config.offlineTokensPerSecond();
    this.periodNanos = tps == 0 ? 0 : Math.max(1, (long) (1_000_000_000L / tps));
    int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    this.scheduler = Threads.scheduler("gameagent-llm-offline", threads);
  }

  @Override
  public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(handler, "handler == null");
    if (scheduler.isShutdown()) {
      throw new IllegalStateException("the offline model is closed");
    }
    String answer = model.answer(OfflineTurn.of(request));
    String finish = "stop";
    for (String stop : request.stop()) {
      int at = stop.isEmpty() ? -1 : answer.indexOf(stop);
      if (at >= 0) {
        answer = answer.substring(0, at);
      }
    }
    List<String> pieces = TokenSplitter.split(answer);
    if (request.maxTokens() != null && pieces.size() > request.maxTokens()) {
      pieces = pieces.subList(0, request.maxTokens());
      finish = "length";
    }
    Usage usage = new Usage(promptTokens(request), pieces.size());
    OfflineCall call = new OfflineCall(handler, List.copyOf(pieces), new LlmCompletion(finish, usage), scheduler, periodNanos,
        active);
    call.start();
    return call;
  }

  @Override
  public String name() {
    return MODEL;
  }

  @Override
  public String modelFor(LlmRequest request) {
    return MODEL;
  }

  /** The scheduler, for tests that check nothing is left pending. */
  ScheduledThreadPoolExecutor scheduler() {
    return scheduler;
  }

  /**
   * Cancels every call in flight, so that none gets a callback once this returns, and stops the
   * scheduler. Idempotent.
   */
  @Override
  public void close() {
    scheduler.shutdown();
    for (OfflineCall call : List.copyOf(active)) {
      call.cancel();
    }
    scheduler.shutdownNow();
  }

  private static int promptTokens(LlmRequest request) {
    long chars = 0;
    for (ChatMessage m : request.messages()) {
      chars += m.content().length() + 4;
    }
    return (int) Math.min(Integer.MAX_VALUE, (chars + 3) / 4);
  }
}
