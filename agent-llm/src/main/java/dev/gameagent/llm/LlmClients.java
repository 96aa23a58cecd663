package dev.gameagent.llm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of this module: creates the routing {@link dev.gameagent.core.llm.LlmClient} over
 * every {@link LlmProvider} on the classpath, and tells which provider a configuration selects.
 *
 * <pre>{@code
 * LlmConfig config = LlmConfig.fromEnvironment(System.getenv());
 * try (RoutingLlmClient llm = LlmClients.create(config)) {
 *   log.info("LLM: {}", LlmClients.describe(config));
 *   ... new AgentEngine(..., llm, ...) ...
 * }
 * }</pre>
 */
public final class LlmClients {
  private static final Logger log = LoggerFactory.getLogger(LlmClients.class);
  private static final String OPENAI = "openai";
  private static final String OFFLINE = "offline";

  private LlmClients() {}

  /**
   * A client that routes each request by its {@code provider} option, else by
   * {@link #defaultProvider(LlmConfig)}; providers are found with {@link ServiceLoader} through the
   * thread's context class loader. Close it on shutdown.
   *
   * @throws IllegalArgumentException when the default provider is not on the classpath
   */
  public static RoutingLlmClient create(LlmConfig config) {
    return new RoutingLlmClient(config, providers());
  }

  /**
   * Like {@link #create(LlmConfig)}, plus {@code extra} providers registered in code (e.g. by a game
   * server that embeds its own adapter); each replaces a discovered provider of the same name.
   *
   * @throws IllegalArgumentException when the default provider is neither discovered nor given
   */
  public static RoutingLlmClient create(LlmConfig config, LlmProvider... extra) {
    Map<String, LlmProvider> all = new LinkedHashMap<>(providers());
    for (LlmProvider p : extra) {
      String name = Objects.requireNonNull(p, "provider == null").name();
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("provider without a name: " + p.getClass().getName());
      }
      all.put(name.strip().toLowerCase(Locale.ROOT), p);
    }
    return new RoutingLlmClient(config, all);
  }

  /**
   * The provider a request that names none goes to: {@link LlmConfig#provider()} when set, else
   * {@code openai} when an API key or a base URL is configured, else {@code offline}.
   */
  public static String defaultProvider(LlmConfig config) {
    if (config.provider() != null) {
      return config.provider();
    }
    return config.apiKey() != null || config.baseUrl() != null ? OPENAI : OFFLINE;
  }

  /** Whether requests that name no provider are answered by the offline default model. */
  public static boolean isOffline(LlmConfig config) {
    return OFFLINE.equals(defaultProvider(config));
  }

  /**
   * One line for a startup log saying what answers by default, e.g. {@code offline default model}
   * or {@code openai-compatible at https://api.openai.com/v1 model gpt-4o-mini}. Never shows the key.
   */
  public static String describe(LlmConfig config) {
    String provider = defaultProvider(config);
    switch (provider) {
      case OFFLINE:
        return "offline default model";
      case OPENAI:
        return "openai-compatible at " + config.displayBaseUrl() + " model " + config.defaultModel()
            + (config.apiKey() == null ? " (no API key)" : "");
      default:
        return "provider " + provider;
    }
  }

  /** The providers on the classpath by name (lower case), the first of each name winning. */
  public static Map<String, LlmProvider> providers() {
    Map<String, LlmProvider> found = new LinkedHashMap<>();
    java.util.Iterator<LlmProvider> it = ServiceLoader.load(LlmProvider.class).iterator();
    while (true) {
      LlmProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        log.warn("skipping an LLM provider that cannot be loaded: {}", e.getMessage());
        continue;
      }
      String name = provider.name() == null ? "" : provider.name().strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        log.warn("skipping LLM provider {} without a name", provider.getClass().getName());
      } else if (found.containsKey(name)) {
        log.warn("LLM provider {} ({}) is shadowed by {}", name, provider.getClass().getName(), found.get(name).getClass().getName());
      } else {
        found.put(name, provider);
      }
    }
    return Collections.unmodifiableMap(found);
  }

  /** The provider named {@code name} (case-insensitively), if one is on the classpath. */
  public static Optional<LlmProvider> provider(String name) {
    return Optional.ofNullable(providers().get(name.strip().toLowerCase(Locale.ROOT)));
  }

  /** The names of the providers on the classpath, sorted. */
  public static Set<String> providerNames() {
    return new TreeSet<>(providers().keySet());
  }
}
