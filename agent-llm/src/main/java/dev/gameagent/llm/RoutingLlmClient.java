package dev.gameagent.llm;

import dev.gameagent.core.llm.InvalidRequestException;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LlmClient} that {@link LlmClients#create} returns: it routes each request to a
 * provider's client by the request's {@link LlmRequest#OPTION_PROVIDER} (a spec's
 * {@code llm.provider}), else the configuration's default provider (see
 * {@link LlmClients#defaultProvider}). Each provider's client is created once, on first use, and
 * closed by {@link #close()}.
 *
 * <p>The default provider must be known when the client is created. A request naming an unknown
 * provider (a spec's {@code llm.provider}), or one that cannot be created from the configuration,
 * fails through {@link LlmStreamHandler#onError} with an {@link InvalidRequestException} that lists
 * the known providers; that callback arrives on this client's own thread. After {@link #close()},
 * {@code stream} throws {@link IllegalStateException}. Thread-safe.
 *
 * <p>The built-in providers never call a handler on the thread that calls {@code stream}, except
 * when the client is closed while {@code stream} runs: then {@code onError} may arrive on the
 * caller's thread before {@code stream} returns. A caller that holds a lock around {@code stream}
 * must tolerate that; see also {@link dev.gameagent.core.llm.LlmCall#cancel()}, which waits for a
 * callback in progress.
 */
public final class RoutingLlmClient implements LlmClient, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RoutingLlmClient.class);

  private final LlmConfig config;
  private final Map<String, LlmProvider> providers;
  private final String defaultProvider;
  private final Map<String, LlmClient> clients = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor failures;
  private volatile boolean closed;

  RoutingLlmClient(LlmConfig config, Map<String, LlmProvider> providers) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.providers = Map.copyOf(providers);
    this.defaultProvider = LlmClients.defaultProvider(config);
    if (!this.providers.containsKey(defaultProvider)) {
      // A mistyped LLM_PROVIDER fails at start-up, not on every turn after it.
      throw new IllegalArgumentException("the default LLM provider \"" + defaultProvider
          + "\" (LLM_PROVIDER) is not on the classpath; known providers: " + String.join(", ", new TreeSet<>(this.providers.keySet())));
    }
    this.failures = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "gameagent-llm-router");
      t.setDaemon(true);
      return t;
    });
    failures.allowCoreThreadTimeOut(true);
  }

  @Override
  public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(handler, "handler == null");
    String name = providerFor(request);
    LlmClient client;
    try {
      client = clientFor(name);
    } catch (LlmException e) {
      log.warn("LLM request refused: {}", e.getMessage());
      return FailedCall.deliverLater(handler, e, failures);
    }
    return client.stream(request, handler);
  }

  /** The default provider's name: what serves a request that names none. */
  @Override
  public String name() {
    return defaultProvider;
  }

  @Override
  public String modelFor(LlmRequest request) {
    String name = providerFor(request);
    try {
      return clientFor(name).modelFor(request);
    } catch (LlmException e) {
      return request.model() != null ? request.model() : name;
    }
  }

  /** The provider that serves {@code request}: its {@link LlmRequest#OPTION_PROVIDER}, else the default. */
  public String providerFor(LlmRequest request) {
    Object option = request.options().get(LlmRequest.OPTION_PROVIDER);
    if (option instanceof String s && !s.isBlank()) {
      return s.strip().toLowerCase(Locale.ROOT);
    }
    return defaultProvider;
  }

  /** The names of the providers this client can route to, sorted. */
  public Set<String> providerNames() {
    return new java.util.TreeSet<>(providers.keySet());
  }

  private LlmClient clientFor(String name) {
    if (closed) {
      throw new IllegalStateException("the LLM client is closed");
    }
    LlmProvider provider = providers.get(name);
    if (provider == null) {
      throw new InvalidRequestException("unknown LLM provider \"" + name + "\"; known providers: "
          + String.join(", ", providerNames()), 0);
    }
    LlmClient client = clients.computeIfAbsent(name, n -> create(provider));
    if (closed) {
      closeQuietly(name, client);
      throw new IllegalStateException("the LLM client is closed");
    }
    return client;
  }

  private LlmClient create(LlmProvider provider) {
    try {
      LlmClient client = Objects.requireNonNull(provider.create(config), "provider returned null");
      log.info("LLM provider {} ready", provider.name());
      return client;
    } catch (RuntimeException e) {
      throw new InvalidRequestException("LLM provider \"" + provider.name() + "\" cannot be used: " + e.getMessage(), 0, e);
    }
  }

  /** Closes every provider client created so far (those that are {@link AutoCloseable}). Idempotent. */
  @Override
  public void close() {
    closed = true;
    List<Map.Entry<String, LlmClient>> created = new ArrayList<>(clients.entrySet());
    clients.clear();
    for (Map.Entry<String, LlmClient> e : created) {
      closeQuietly(e.getKey(), e.getValue());
    }
    failures.shutdown();
  }

  private static void closeQuietly(String name, LlmClient client) {
    if (client instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("closing LLM provider {} failed", name, e);
      }
    }
  }

  @Override
  public String toString() {
    return "RoutingLlmClient{default=" + defaultProvider + ", providers=" + providerNames() + "}";
  }
}
