package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.llm.LlmConfig;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams chat completions from an OpenAI-compatible endpoint ({@code POST {base}/chat/completions}
 * with {@code stream: true}) over server-sent events.
 *
 * <p>One instance owns one {@link OkHttpClient} whose dispatcher admits
 * {@link LlmConfig#maxConcurrentStreams()} concurrent calls in total and per host (OkHttp's default of
 * 5 per host would queue the sixth NPC), a connection pool of the same size, one daemon timer for
 * first-token deadlines, idle checks and retries, and daemon I/O threads. The idle timeout is both the
 * socket read timeout and, once the answer started, the longest wait for an event (see
 * {@link OpenAiCall}); connection failures are never retried silently. Event-stream bodies reach
 * okhttp-sse through {@link EventStreamInterceptor}. Thread-safe; {@link #close()} cancels every call
 * in flight and releases the threads.
 *
 * <p>Callbacks arrive on the I/O threads and the timer, never on the thread that calls
 * {@code stream}, with one exception: when the client is closed while {@code stream} runs, the call
 * fails at once with {@code onError} on the caller's thread, before {@code stream} returns.
 */
final class OpenAiClient implements LlmClient, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenAiClient.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  final LlmConfig config;
  final ErrorMapper errors;
  final ChunkReader chunks;
  final RetryPolicy retries;
  final ScheduledExecutorService timer;
  final EventSource.Factory events;
  final Set<OpenAiCall> active = ConcurrentHashMap.newKeySet();
  private final OkHttpClient http;
  private final ExecutorService ioThreads;
  private final ChatRequestWriter writer;
  private final HttpUrl endpoint;
  private final Headers headers;
  private volatile boolean closed;

  OpenAiClient(LlmConfig config) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.errors = new ErrorMapper(config.apiKey(), config.extraHeaders().values());
    this.chunks = new ChunkReader(errors);
    this.retries = new RetryPolicy(config.maxRetries(), config.retryBaseDelay(), config.retryMaxDelay());
    this.writer = new ChatRequestWriter(config);
    this.endpoint = endpointOf(config);
    this.headers = headersOf(config);
    this.ioThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), Threads.daemon("gameagent-llm-http"));
    Dispatcher dispatcher = new Dispatcher(ioThreads);
    dispatcher.setMaxRequests(config.maxConcurrentStreams());
    dispatcher.setMaxRequestsPerHost(config.maxConcurrentStreams());
    this.http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(config.maxConcurrentStreams(), 2, TimeUnit.MINUTES))
        .connectTimeout(config.connectTimeout())
        .readTimeout(config.idleTimeout())
        .writeTimeout(config.connectTimeout())
        // A POST is billed: never resend it behind the caller's back.
        .retryOnConnectionFailure(false)
        .addInterceptor(new EventStreamInterceptor())
        .build();
    this.events = EventSources.createFactory(http);
    this.timer = Threads.scheduler("gameagent-llm-timer", 1);
  }

  @Override
  public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(handler, "handler == null");
    if (closed) {
      throw new IllegalStateException("the openai client is closed");
    }
    String model = writer.modelFor(request);
    Request httpRequest = new Request.Builder()
        .url(endpoint)
        .headers(headers)
        .post(RequestBody.create(writer.write(request), JSON))
        .build();
    log.debug("LLM stream to {} model={} messages={}", endpoint.redact(), model, request.messages().size());
    OpenAiCall call = new OpenAiCall(this, httpRequest, handler, model);
    active.add(call);
    call.start();
    return call;
  }

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public String modelFor(LlmRequest request) {
    return writer.modelFor(request);
  }

  boolean isClosed() {
    return closed;
  }

  /** The HTTP client, for tests that look at its dispatcher. */
  OkHttpClient http() {
    return http;
  }

  /** Cancels every call in flight and releases the client's threads and connections. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (OpenAiCall call : List.copyOf(active)) {
      call.cancel();
    }
    timer.shutdownNow();
    http.dispatcher().cancelAll();
    ioThreads.shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "OpenAiClient{endpoint=" + endpoint.redact() + ", model=" + config.defaultModel() + "}";
  }

  private static HttpUrl endpointOf(LlmConfig config) {
    String base = config.effectiveBaseUrl();
    String url = base.endsWith("/chat/completions") ? base : base + "/chat/completions";
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      // The display form: the URL may carry credentials in its user info or query.
      throw new IllegalArgumentException("baseUrl is not an http or https URL: " + config.displayBaseUrl());
    }
    return parsed;
  }

  private static Headers headersOf(LlmConfig config) {
    Headers.Builder h = new Headers.Builder()
        .set("Accept", "text/event-stream")
        .set("User-Agent", "game-agent");
    if (config.apiKey() != null) {
      h.set("Authorization", "Bearer " + config.apiKey());
    }
    config.extraHeaders().forEach(h::set);
    return h.build();
  }
}
