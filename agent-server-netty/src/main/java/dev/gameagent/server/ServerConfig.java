package dev.gameagent.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The server's settings: where it listens, its limits and timeouts, where logs go, and the
 * environment the LLM client is configured from. Immutable; build one with {@link #newBuilder()},
 * or let {@link Main} load it from flags, environment, {@code .env} and defaults.
 *
 * <p>{@link #toString()} masks the token and every secret-looking LLM variable, so a config can be
 * logged.
 */
public final class ServerConfig {
  private final String host;
  private final int port;
  private final Path logsDir;
  private final String token;
  private final Duration stateTimeout;
  private final Duration streamIdleTimeout;
  private final Duration pingInterval;
  private final Duration idleTimeout;
  private final Duration handshakeTimeout;
  private final Duration sessionRetention;
  private final Duration unwritableTimeout;
  private final int maxMessageBytes;
  private final long maxQueuedBytes;
  private final boolean compression;
  private final int maxToolContinuations;
  private final int rateLimit;
  private final int maxAgentsPerSession;
  private final int maxTurnsPerSession;
  private final String logLevel;
  private final Map<String, String> llmEnvironment;

  private ServerConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.logsDir = b.logsDir;
    this.token = b.token;
    this.stateTimeout = b.stateTimeout;
    this.streamIdleTimeout = b.streamIdleTimeout;
    this.pingInterval = b.pingInterval;
    this.idleTimeout = b.idleTimeout;
    this.handshakeTimeout = b.handshakeTimeout;
    this.sessionRetention = b.sessionRetention;
    this.unwritableTimeout = b.unwritableTimeout;
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.compression = b.compression;
    this.maxToolContinuations = b.maxToolContinuations;
    this.rateLimit = b.rateLimit;
    this.maxAgentsPerSession = b.maxAgentsPerSession;
    this.maxTurnsPerSession = b.maxTurnsPerSession;
    this.logLevel = b.logLevel;
    this.llmEnvironment = Collections.unmodifiableMap(new LinkedHashMap<>(b.llmEnvironment));
  }

  /** A builder holding the defaults: {@code 127.0.0.1:8000}, logs in {@code logs/}, no token. */
  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public String host() {
    return host;
  }

  /** The port to bind; 0 picks a free one (read it back with {@link AgentServer#port()}). */
  public int port() {
    return port;
  }

  public Path logsDir() {
    return logsDir;
  }

  /** The shared secret the upgrade request must carry, or null for none. */
  public String token() {
    return token;
  }

  public Duration stateTimeout() {
    return stateTimeout;
  }

  /**
   * How long a streaming turn waits for its model to send anything (a token, the end, an error)
   * before it finishes with {@code llm_error} and the request is cancelled: a guard against a
   * provider that hangs without failing.
   */
  public Duration streamIdleTimeout() {
    return streamIdleTimeout;
  }

  public Duration pingInterval() {
    return pingInterval;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** How long a disconnected session stays resumable in memory. */
  public Duration sessionRetention() {
    return sessionRetention;
  }

  /** How long a client may stay unwritable (not reading what it is sent) before it is closed. */
  public Duration unwritableTimeout() {
    return unwritableTimeout;
  }

  /** The largest client message, after fragments are joined; above it the connection closes with 1009. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * The most bytes queued for one slow client before it is closed with 1008; past half of it, a
   * message that would start a turn gets {@code limit_exceeded}.
   */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** Whether permessage-deflate is offered. */
  public boolean compression() {
    return compression;
  }

  public int maxToolContinuations() {
    return maxToolContinuations;
  }

  /** Client messages per second one connection may send on average (bursts of twice that); 0 for no limit. */
  public int rateLimit() {
    return rateLimit;
  }

  /** The most agents one session may have; a message that would add more gets {@code limit_exceeded}. */
  public int maxAgentsPerSession() {
    return maxAgentsPerSession;
  }

  /**
   * The most turns one session may have at once (waiting for state or streaming); a message that
   * would start another gets {@code limit_exceeded}. A message for an agent that already has a turn
   * adds none (it replaces, queues behind or is recorded beside that turn), so it is never refused
   * for this.
   */
  public int maxTurnsPerSession() {
    return maxTurnsPerSession;
  }

  /** The root log level name, e.g. {@code INFO}; applied by {@link Main}. */
  public String logLevel() {
    return logLevel;
  }

  /** The environment (process variables over {@code .env}) the LLM client is configured from. */
  public Map<String, String> llmEnvironment() {
    return llmEnvironment;
  }

  @Override
  public String toString() {
    Map<String, String> env = new LinkedHashMap<>();
    llmEnvironment.forEach((k, v) -> {
      if (k.startsWith("GAME_AGENT_") || k.startsWith("LLM_") || k.startsWith("OPENAI_")
          || k.startsWith("OPENROUTER_") || k.startsWith("ANTHROPIC_") || k.startsWith("GROQ_")) {
        env.put(k, isSecret(k) ? "****" : v);
      }
    });
    return "ServerConfig{host=" + host + ", port=" + port + ", logsDir=" + logsDir
        + ", token=" + (token == null ? "none" : "****")
        + ", stateTimeout=" + stateTimeout.toMillis() + "ms"
        + ", streamIdleTimeout=" + streamIdleTimeout.toMillis() + "ms"
        + ", pingInterval=" + pingInterval.toMillis() + "ms"
        + ", idleTimeout=" + idleTimeout.toMillis() + "ms"
        + ", handshakeTimeout=" + handshakeTimeout.toMillis() + "ms"
        + ", sessionRetention=" + sessionRetention.toMillis() + "ms"
        + ", unwritableTimeout=" + unwritableTimeout.toMillis() + "ms"
        + ", maxMessageBytes=" + maxMessageBytes
        + ", maxQueuedBytes=" + maxQueuedBytes
        + ", compression=" + compression
        + ", maxToolContinuations=" + maxToolContinuations
        + ", rateLimit=" + rateLimit
        + ", maxAgentsPerSession=" + maxAgentsPerSession
        + ", maxTurnsPerSession=" + maxTurnsPerSession
        + ", logLevel=" + logLevel
        + ", llmEnvironment=" + env + "}";
  }

  /** Whether a variable name looks like it holds a secret (keys, tokens, passwords). */
  static boolean isSecret(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    return n.contains("KEY") || n.contains("TOKEN") || n.contains("SECRET") || n.contains("PASSWORD");
  }

  /** Builds a {@link ServerConfig}; every setter validates its argument. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8000;
    private Path logsDir = Path.of("logs");
    private String token;
    private Duration stateTimeout = Duration.ofSeconds(5);
    private Duration streamIdleTimeout = Duration.ofMinutes(5);
    private Duration pingInterval = Duration.ofSeconds(20);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration sessionRetention = Duration.ofMinutes(30);
    private Duration unwritableTimeout = Duration.ofSeconds(10);
    private int maxMessageBytes = 1024 * 1024;
    private long maxQueuedBytes = 16L * 1024 * 1024;
    private boolean compression;
    private int maxToolContinuations = 4;
    private int rateLimit = 200;
    private int maxAgentsPerSession = 1000;
    private int maxTurnsPerSession = 256;
    private String logLevel = "INFO";
    private Map<String, String> llmEnvironment = Map.of();

    Builder() {}

    Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      logsDir = c.logsDir;
      token = c.token;
      stateTimeout = c.stateTimeout;
      streamIdleTimeout = c.streamIdleTimeout;
      pingInterval = c.pingInterval;
      idleTimeout = c.idleTimeout;
      handshakeTimeout = c.handshakeTimeout;
      sessionRetention = c.sessionRetention;
      unwritableTimeout = c.unwritableTimeout;
      maxMessageBytes = c.maxMessageBytes;
      maxQueuedBytes = c.maxQueuedBytes;
      compression = c.compression;
      maxToolContinuations = c.maxToolContinuations;
      rateLimit = c.rateLimit;
      maxAgentsPerSession = c.maxAgentsPerSession;
      maxTurnsPerSession = c.maxTurnsPerSession;
      logLevel = c.logLevel;
      llmEnvironment = c.llmEnvironment;
    }

    public Builder host(String host) {
      Objects.requireNonNull(host, "host == null");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host is blank");
      }
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
      }
      this.port = port;
      return this;
    }

    public Builder logsDir(Path logsDir) {
      this.logsDir = Objects.requireNonNull(logsDir, "logsDir == null");
      return this;
    }

    /** The shared secret; null or empty for none. */
    public Builder token(String token) {
      this.token = token == null || token.isEmpty() ? null : token;
      return this;
    }

    public Builder stateTimeout(Duration timeout) {
      this.stateTimeout = positive(timeout, "stateTimeout");
      return this;
    }

    public Builder streamIdleTimeout(Duration timeout) {
      this.streamIdleTimeout = positive(timeout, "streamIdleTimeout");
      return this;
    }

    public Builder pingInterval(Duration interval) {
      this.pingInterval = positive(interval, "pingInterval");
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    public Builder sessionRetention(Duration retention) {
      this.sessionRetention = positive(retention, "sessionRetention");
      return this;
    }

    public Builder unwritableTimeout(Duration timeout) {
      this.unwritableTimeout = positive(timeout, "unwritableTimeout");
      return this;
    }

    public Builder maxMessageBytes(int max) {
      if (max < 1024) {
        throw new IllegalArgumentException("maxMessageBytes must be at least 1024: " + max);
      }
      this.maxMessageBytes = max;
      return this;
    }

    public Builder maxQueuedBytes(long max) {
      if (max < 64 * 1024) {
        throw new IllegalArgumentException("maxQueuedBytes must be at least 65536: " + max);
      }
      this.maxQueuedBytes = max;
      return this;
    }

    public Builder compression(boolean compression) {
      this.compression = compression;
      return this;
    }

    public Builder maxToolContinuations(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxToolContinuations must be >= 0: " + max);
      }
      this.maxToolContinuations = max;
      return this;
    }

    public Builder rateLimit(int messagesPerSecond) {
      if (messagesPerSecond < 0) {
        throw new IllegalArgumentException("rateLimit must be >= 0: " + messagesPerSecond);
      }
      this.rateLimit = messagesPerSecond;
      return this;
    }

    public Builder maxAgentsPerSession(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxAgentsPerSession must be >= 1: " + max);
      }
      this.maxAgentsPerSession = max;
      return this;
    }

    public Builder maxTurnsPerSession(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTurnsPerSession must be >= 1: " + max);
      }
      this.maxTurnsPerSession = max;
      return this;
    }

    /** One of TRACE, DEBUG, INFO, WARN, ERROR, OFF (any case). */
    public Builder logLevel(String level) {
      Objects.requireNonNull(level, "level == null");
      String upper = level.trim().toUpperCase(Locale.ROOT);
      if (!java.util.List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(upper)) {
        throw new IllegalArgumentException("log level must be TRACE, DEBUG, INFO, WARN, ERROR or OFF: " + level);
      }
      this.logLevel = upper;
      return this;
    }

    public Builder llmEnvironment(Map<String, String> environment) {
      this.llmEnvironment = new LinkedHashMap<>(Objects.requireNonNull(environment, "environment == null"));
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
