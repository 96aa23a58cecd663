package dev.gameagent.llm;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings of the LLM adapters: which provider serves turns by default, where the
 * OpenAI-compatible endpoint is, its credentials, model, timeouts, retries, and the offline model's
 * pace. Build one with {@link #builder()} or read it from the environment with
 * {@link #fromEnvironment(Map)}; {@link #settings()} lists every variable for a {@code --help} text.
 *
 * <p>{@link #toString()} never shows the API key nor the values of extra headers (they often carry
 * credentials too).
 */
public final class LlmConfig {
  /** The endpoint used when no base URL is configured. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  /** The model used when neither the request nor the configuration names one. */
  public static final String DEFAULT_MODEL = "gpt-4o-mini";

  static final String ENV_API_KEY = "OPENAI_API_KEY";
  static final String ENV_API_BASE = "OPENAI_API_BASE";
  static final String ENV_BASE_URL = "OPENAI_BASE_URL";
  static final String ENV_MODEL = "LLM_MODEL";
  static final String ENV_STREAM_MODEL = "ACTIVE_STREAM_LLM_MODEL";
  static final String ENV_PROVIDER = "LLM_PROVIDER";
  static final String ENV_TEMPERATURE = "LLM_TEMPERATURE";
  static final String ENV_MAX_TOKENS = "LLM_MAX_TOKENS";
  static final String ENV_INCLUDE_USAGE = "LLM_INCLUDE_USAGE";
  static final String ENV_REASONING_MODEL = "LLM_REASONING_MODEL";
  static final String ENV_EXTRA_HEADERS = "LLM_EXTRA_HEADERS";
  static final String ENV_CONNECT_TIMEOUT = "LLM_CONNECT_TIMEOUT_MS";
  static final String ENV_FIRST_TOKEN_TIMEOUT = "LLM_FIRST_TOKEN_TIMEOUT_MS";
  static final String ENV_IDLE_TIMEOUT = "LLM_IDLE_TIMEOUT_MS";
  static final String ENV_MAX_RETRIES = "LLM_MAX_RETRIES";
  static final String ENV_RETRY_BASE_DELAY = "LLM_RETRY_BASE_DELAY_MS";
  static final String ENV_RETRY_MAX_DELAY = "LLM_RETRY_MAX_DELAY_MS";
  static final String ENV_MAX_CONCURRENT_STREAMS = "LLM_MAX_CONCURRENT_STREAMS";
  static final String ENV_OFFLINE_TOKENS_PER_SECOND = "LLM_OFFLINE_TOKENS_PER_SECOND";

  private static final List<LlmSetting> SETTINGS = List.of(
      new LlmSetting(ENV_API_KEY, "none",
          "API key sent as 'Authorization: Bearer'; setting it selects the openai provider by default."),
      new LlmSetting(ENV_API_BASE, DEFAULT_BASE_URL,
          "Base URL of an OpenAI-compatible API (OpenRouter, Ollama, vLLM, llama.cpp, ...); setting it selects the openai provider by default."),
      new LlmSetting(ENV_BASE_URL, DEFAULT_BASE_URL, "Alternative name of " + ENV_API_BASE + "."),
      new LlmSetting(ENV_MODEL, DEFAULT_MODEL, "Model used when the agent spec names none."),
      new LlmSetting(ENV_STREAM_MODEL, ENV_MODEL, "Model for turn streams; overrides " + ENV_MODEL + "."),
      new LlmSetting(ENV_PROVIDER, "openai when a key or base URL is set, else offline",
          "Default provider: openai, offline, or the name of a custom LlmProvider on the classpath."),
      new LlmSetting(ENV_TEMPERATURE, "the provider's", "Default sampling temperature, 0 to 2."),
      new LlmSetting(ENV_MAX_TOKENS, "the provider's", "Default completion token limit."),
      new LlmSetting(ENV_INCLUDE_USAGE, "true",
          "Ask for token usage with stream_options.include_usage; turn off for servers that reject it."),
      new LlmSetting(ENV_REASONING_MODEL, "false",
          "The model is a reasoning model: send max_completion_tokens instead of max_tokens and no temperature."),
      new LlmSetting(ENV_EXTRA_HEADERS, "none",
          "Extra HTTP headers as name=value pairs separated by commas, values percent-encoded."),
      new LlmSetting(ENV_CONNECT_TIMEOUT, "10000", "Connect timeout in milliseconds."),
      new LlmSetting(ENV_FIRST_TOKEN_TIMEOUT, "30000",
          "Deadline for the first token of an answer in milliseconds; 0 disables it."),
      new LlmSetting(ENV_IDLE_TIMEOUT, "30000",
          "Longest silence inside a stream in milliseconds before it fails; 0 disables it."),
      new LlmSetting(ENV_MAX_RETRIES, "2",
          "Retries of a retryable failure (429, 5xx, timeout, I/O) before the first token; never after."),
      new LlmSetting(ENV_RETRY_BASE_DELAY, "500", "First retry backoff in milliseconds; doubles per retry, with jitter."),
      new LlmSetting(ENV_RETRY_MAX_DELAY, "30000",
          "Longest wait before a retry; a longer Retry-After fails the call instead."),
      new LlmSetting(ENV_MAX_CONCURRENT_STREAMS, "4096", "Most concurrent HTTP streams, in total and per host."),
      new LlmSetting(ENV_OFFLINE_TOKENS_PER_SECOND, "40",
          "Pace of the offline model in tokens per second; 0 streams as fast as possible."));

  private final String apiKey;
  private final String baseUrl;
  private final String model;
  private final String streamModel;
  private final String provider;
  private final Double temperature;
  private final Integer maxTokens;
  private final boolean includeUsage;
  private final boolean reasoningModel;
  private final Map<String, String> extraHeaders;
  private final Duration connectTimeout;
  private final Duration firstTokenTimeout;
  private final Duration idleTimeout;
  private final int maxRetries;
  private final Duration retryBaseDelay;
  private final Duration retryMaxDelay;
  private final int maxConcurrentStreams;
  private final double offlineTokensPerSecond;

  private LlmConfig(Builder b) {
    this.apiKey = b.apiKey;
    this.baseUrl = b.baseUrl;
    this.model = b.model;
    this.streamModel = b.streamModel;
    this.provider = b.provider;
    this.temperature = b.temperature;
    this.maxTokens = b.maxTokens;
    this.includeUsage = b.includeUsage;
    this.reasoningModel = b.reasoningModel;
    this.extraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraHeaders));
    this.connectTimeout = b.connectTimeout;
    this.firstTokenTimeout = b.firstTokenTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxRetries = b.maxRetries;
    this.retryBaseDelay = b.retryBaseDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.maxConcurrentStreams = b.maxConcurrentStreams;
    this.offlineTokensPerSecond = b.offlineTokensPerSecond;
  }

  /** A builder with every setting at its default, as with an empty environment. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these settings. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /**
   * Reads the settings listed by {@link #settings()} from {@code env} (usually
   * {@code System.getenv()}). Unset and blank variables take their defaults.
   *
   * @throws IllegalArgumentException naming the variable, when a value is malformed
   */
  public static LlmConfig fromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env == null");
    EnvReader r = new EnvReader(env);
    Builder b = builder();
    r.string(ENV_API_KEY, b::apiKey);
    String base = r.get(ENV_API_BASE) != null ? ENV_API_BASE : ENV_BASE_URL;
    r.string(base, b::baseUrl);
    r.string(ENV_MODEL, b::model);
    r.string(ENV_STREAM_MODEL, b::streamModel);
    r.string(ENV_PROVIDER, b::provider);
    r.string(ENV_TEMPERATURE, v -> b.temperature(Double.valueOf(v)));
    r.string(ENV_MAX_TOKENS, v -> b.maxTokens(Integer.valueOf(v)));
    r.string(ENV_INCLUDE_USAGE, v -> b.includeUsage(parseBoolean(v)));
    r.string(ENV_REASONING_MODEL, v -> b.reasoningModel(parseBoolean(v)));
    r.string(ENV_EXTRA_HEADERS, v -> b.extraHeaders(parseHeaders(v)));
    r.string(ENV_CONNECT_TIMEOUT, v -> b.connectTimeout(parseMillis(v)));
    r.string(ENV_FIRST_TOKEN_TIMEOUT, v -> b.firstTokenTimeout(parseMillis(v)));
    r.string(ENV_IDLE_TIMEOUT, v -> b.idleTimeout(parseMillis(v)));
    r.string(ENV_MAX_RETRIES, v -> b.maxRetries(Integer.parseInt(v)));
    r.string(ENV_RETRY_BASE_DELAY, v -> b.retryBaseDelay(parseMillis(v)));
    r.string(ENV_RETRY_MAX_DELAY, v -> b.retryMaxDelay(parseMillis(v)));
    r.string(ENV_MAX_CONCURRENT_STREAMS, v -> b.maxConcurrentStreams(Integer.parseInt(v)));
    r.string(ENV_OFFLINE_TOKENS_PER_SECOND, v -> b.offlineTokensPerSecond(Double.parseDouble(v)));
    return b.build();
  }

  /** Every environment variable {@link #fromEnvironment} reads, with its default and meaning, in a stable order. */
  public static List<LlmSetting> settings() {
    return SETTINGS;
  }

  /** The API key, or null. Never log it. */
  public String apiKey() {
    return apiKey;
  }

  /** The configured base URL without a trailing slash, or null when none was configured. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The base URL requests go to: the configured one, else {@link #DEFAULT_BASE_URL}. */
  public String effectiveBaseUrl() {
    return baseUrl != null ? baseUrl : DEFAULT_BASE_URL;
  }

  /**
   * {@link #effectiveBaseUrl()} fit for logs: without user info and query, which may hold
   * credentials.
   */
  public String displayBaseUrl() {
    String url = effectiveBaseUrl();
    try {
      URI u = new URI(url);
      if (u.getRawUserInfo() == null && u.getRawQuery() == null) {
        return url;
      }
      return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      return "(invalid URL)";
    }
  }

  /** {@code LLM_MODEL}, or null. */
  public String model() {
    return model;
  }

  /** {@code ACTIVE_STREAM_LLM_MODEL}, or null. */
  public String streamModel() {
    return streamModel;
  }

  /**
   * The model a turn stream uses when its request names none: {@link #streamModel()}, else
   * {@link #model()}, else {@link #DEFAULT_MODEL}.
   */
  public String defaultModel() {
    if (streamModel != null) {
      return streamModel;
    }
    return model != null ? model : DEFAULT_MODEL;
  }

  /** The configured default provider name in lower case, or null to choose by the credentials. */
  public String provider() {
    return provider;
  }

  /** The default temperature, or null for the provider's. */
  public Double temperature() {
    return temperature;
  }

  /** The default completion token limit, or null for the provider's. */
  public Integer maxTokens() {
    return maxTokens;
  }

  /** Whether requests ask for usage with {@code stream_options.include_usage}. */
  public boolean includeUsage() {
    return includeUsage;
  }

  /** Whether requests send {@code max_completion_tokens} instead of {@code max_tokens}, and no temperature. */
  public boolean reasoningModel() {
    return reasoningModel;
  }

  /** Extra HTTP headers in order; unmodifiable. */
  public Map<String, String> extraHeaders() {
    return extraHeaders;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The first-token deadline; {@link Duration#ZERO} when disabled. */
  public Duration firstTokenTimeout() {
    return firstTokenTimeout;
  }

  /** The idle guard inside a stream; {@link Duration#ZERO} when disabled. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How many times a retryable failure is retried before the first token; never after it. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The backoff before the first retry; it doubles per retry, with jitter. */
  public Duration retryBaseDelay() {
    return retryBaseDelay;
  }

  /** The longest wait before a retry; a longer {@code Retry-After} fails the call instead. */
  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  /** The most HTTP streams one client runs at once, in total and per host. */
  public int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  /** The offline model's pace; 0 means as fast as possible. */
  public double offlineTokensPerSecond() {
    return offlineTokensPerSecond;
  }

  @Override
  public String toString() {
    return "LlmConfig{provider=" + provider
        + ", baseUrl=" + displayBaseUrl()
        + ", apiKey=" + (apiKey == null ? "none" : "***")
        + ", model=" + defaultModel()
        + ", temperature=" + temperature
        + ", maxTokens=" + maxTokens
        + ", includeUsage=" + includeUsage
        + ", reasoningModel=" + reasoningModel
        + ", extraHeaders=" + extraHeaders.keySet()
        + ", connectTimeout=" + connectTimeout.toMillis() + "ms"
        + ", firstTokenTimeout=" + firstTokenTimeout.toMillis() + "ms"
        + ", idleTimeout=" + idleTimeout.toMillis() + "ms"
        + ", maxRetries=" + maxRetries
        + ", retryBaseDelay=" + retryBaseDelay.toMillis() + "ms"
        + ", retryMaxDelay=" + retryMaxDelay.toMillis() + "ms"
        + ", maxConcurrentStreams=" + maxConcurrentStreams
        + ", offlineTokensPerSecond=" + offlineTokensPerSecond
        + "}";
  }

  private static boolean parseBoolean(String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": case "on":
        return true;
      case "false": case "0": case "no": case "off":
        return false;
      default:
        throw new IllegalArgumentException("expected true or false: " + v);
    }
  }

  private static Duration parseMillis(String v) {
    return Duration.ofMillis(Long.parseLong(v));
  }

  /** Parses {@code name=value,name2=value2}; values are percent-decoded so they may hold commas. */
  static Map<String, String> parseHeaders(String v) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String pair : v.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected name=value, got a pair without a name");
      }
      String value = URLDecoder.decode(pair.substring(eq + 1).trim().replace("+", "%2B"), StandardCharsets.UTF_8);
      headers.put(pair.substring(0, eq).trim(), value);
    }
    return headers;
  }

  /** Reads variables, treating blank as unset, and names the variable in every parse failure. */
  private static final class EnvReader {
    private final Map<String, String> env;

    EnvReader(Map<String, String> env) {
      this.env = env;
    }

    String get(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? null : v.trim();
    }

    void string(String name, java.util.function.Consumer<String> setter) {
      String v = get(name);
      if (v == null) {
        return;
      }
      try {
        setter.accept(v);
      } catch (IllegalArgumentException e) {
        // Never echo the key's value, even in a parse error.
        String shown = name.equals(ENV_API_KEY) || name.equals(ENV_EXTRA_HEADERS) ? "" : ": " + e.getMessage();
        throw new IllegalArgumentException("invalid " + name + shown, e);
      }
    }
  }

  /** Collects settings; every setter validates at once. */
  public static final class Builder {
    private String apiKey;
    private String baseUrl;
    private String model;
    private String streamModel;
    private String provider;
    private Double temperature;
    private Integer maxTokens;
    private boolean includeUsage = true;
    private boolean reasoningModel;
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration firstTokenTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int maxRetries = 2;
    private Duration retryBaseDelay = Duration.ofMillis(500);
    private Duration retryMaxDelay = Duration.ofSeconds(30);
    private int maxConcurrentStreams = 4096;
    private double offlineTokensPerSecond = 40;

    Builder() {}

    Builder(LlmConfig c) {
      apiKey = c.apiKey;
      baseUrl = c.baseUrl;
      model = c.model;
      streamModel = c.streamModel;
      provider = c.provider;
      temperature = c.temperature;
      maxTokens = c.maxTokens;
      includeUsage = c.includeUsage;
      reasoningModel = c.reasoningModel;
      extraHeaders.putAll(c.extraHeaders);
      connectTimeout = c.connectTimeout;
      firstTokenTimeout = c.firstTokenTimeout;
      idleTimeout = c.idleTimeout;
      maxRetries = c.maxRetries;
      retryBaseDelay = c.retryBaseDelay;
      retryMaxDelay = c.retryMaxDelay;
      maxConcurrentStreams = c.maxConcurrentStreams;
      offlineTokensPerSecond = c.offlineTokensPerSecond;
    }

    /** The API key, or null for none (no Authorization header is sent). */
    public Builder apiKey(String apiKey) {
      this.apiKey = blankToNull(apiKey);
      return this;
    }

    /** An {@code http} or {@code https} base URL such as {@code http://localhost:11434/v1}, or null for the default. */
    public Builder baseUrl(String baseUrl) {
      String url = blankToNull(baseUrl);
      if (url != null) {
        try {
          URI uri = new URI(url);
          String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
          if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL: " + url);
          }
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("baseUrl is not a URL: " + url, e);
        }
        while (url.endsWith("/")) {
          url = url.substring(0, url.length() - 1);
        }
      }
      this.baseUrl = url;
      return this;
    }

    public Builder model(String model) {
      this.model = blankToNull(model);
      return this;
    }

    public Builder streamModel(String streamModel) {
      this.streamModel = blankToNull(streamModel);
      return this;
    }

    /** The default provider's name, matched case-insensitively, or null to choose by the credentials. */
    public Builder provider(String provider) {
      String p = blankToNull(provider);
      this.provider = p == null ? null : p.toLowerCase(Locale.ROOT);
      return this;
    }

    public Builder temperature(Double temperature) {
      if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
        throw new IllegalArgumentException("temperature must be in [0, 2]: " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    public Builder maxTokens(Integer maxTokens) {
      if (maxTokens != null && maxTokens <= 0) {
        throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder includeUsage(boolean includeUsage) {
      this.includeUsage = includeUsage;
      return this;
    }

    public Builder reasoningModel(boolean reasoningModel) {
      this.reasoningModel = reasoningModel;
      return this;
    }

    /** Replaces the extra headers. Names must be HTTP tokens; values must not hold line breaks. */
    public Builder extraHeaders(Map<String, String> headers) {
      Map<String, String> copy = new LinkedHashMap<>();
      headers.forEach((name, value) -> {
        Objects.requireNonNull(name, "header name == null");
        Objects.requireNonNull(value, "header value == null");
        if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
          throw new IllegalArgumentException("invalid header name: " + name);
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
          throw new IllegalArgumentException("header value of " + name + " holds a line break");
        }
        copy.put(name, value);
      });
      extraHeaders.clear();
      extraHeaders.putAll(copy);
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** The first-token deadline; zero disables it. */
    public Builder firstTokenTimeout(Duration timeout) {
      this.firstTokenTimeout = nonNegative(timeout, "firstTokenTimeout");
      return this;
    }

    /** The longest silence inside a stream; zero disables it. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative(timeout, "idleTimeout");
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder retryBaseDelay(Duration delay) {
      this.retryBaseDelay = nonNegative(delay, "retryBaseDelay");
      return this;
    }

    public Builder retryMaxDelay(Duration delay) {
      this.retryMaxDelay = nonNegative(delay, "retryMaxDelay");
      return this;
    }

    public Builder maxConcurrentStreams(int max) {
      if (max <= 0) {
        throw new IllegalArgumentException("maxConcurrentStreams must be positive: " + max);
      }
      this.maxConcurrentStreams = max;
      return this;
    }

    /** The offline model's pace in tokens per second; 0 streams as fast as possible. */
    public Builder offlineTokensPerSecond(double tokensPerSecond) {
      if (!(tokensPerSecond >= 0) || Double.isInfinite(tokensPerSecond)) {
        throw new IllegalArgumentException("offlineTokensPerSecond must be finite and not negative: " + tokensPerSecond);
      }
      this.offlineTokensPerSecond = tokensPerSecond;
      return this;
    }

    public LlmConfig build() {
      return new LlmConfig(this);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + d);
      }
      return d;
    }

    private static boolean isTokenChar(int c) {
      return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
  }
}
