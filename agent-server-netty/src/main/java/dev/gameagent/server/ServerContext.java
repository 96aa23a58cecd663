package dev.gameagent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.gameagent.core.AgentEngine;
import dev.gameagent.protocol.ProtocolCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** What every connection of one server shares: settings, codec, engine, sessions, logs. Thread-safe. */
final class ServerContext {
  static final String SERVER_NAME = "game-agent";
  /** Per agent restored from disk; the engine's history keeps 1000 by default, so more would be trimmed anyway. */
  static final int MAX_RESTORED_ENTRIES = 1000;

  private final ServerConfig config;
  private final ProtocolCodec codec;
  private final AgentEngine engine;
  private final SessionRegistry<ServerSession, Connection> sessions = new SessionRegistry<>();
  private final FileLogStore logStore;
  private final Clock clock;
  /** Reads stored sessions' logs for a resume after a restart: file I/O kept off the event loops. */
  private final ThreadPoolExecutor restoreReader;
  private final long startNanos = System.nanoTime();
  /** Read here, on the thread building the server, so that no event loop reads the resource. */
  private final String version = Version.VALUE;

  ServerContext(ServerConfig config, ProtocolCodec codec, AgentEngine engine, FileLogStore logStore, Clock clock) {
    this.config = config;
    this.codec = codec;
    this.engine = engine;
    this.logStore = logStore;
    this.clock = clock;
    this.restoreReader = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread t = new Thread(task, "game-agent-session-restore");
      t.setDaemon(true);
      return t;
    });
    restoreReader.allowCoreThreadTimeOut(true);
  }

  /**
   * Reads session {@code sessionId}'s history back from its logs folder, on the restore thread.
   * Completes with null when the folder does not exist or holds no record of this session; the
   * folder's name is derived from the id by {@link LogFileNames}, so no id reads outside the logs
   * folder.
   */
  CompletableFuture<SessionLogReader.Restored> readStoredSession(String sessionId) {
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return SessionLogReader.read(logStore.sessionDir(sessionId), sessionId, config.maxAgentsPerSession(),
              MAX_RESTORED_ENTRIES).orElse(null);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, restoreReader);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Stops the restore thread; a read in progress is interrupted. */
  void close() {
    restoreReader.shutdownNow();
  }

  ServerConfig config() {
    return config;
  }

  ProtocolCodec codec() {
    return codec;
  }

  AgentEngine engine() {
    return engine;
  }

  SessionRegistry<ServerSession, Connection> sessions() {
    return sessions;
  }

  FileLogStore logStore() {
    return logStore;
  }

  Clock clock() {
    return clock;
  }

  String version() {
    return version;
  }

  /** The {@code /health} body. */
  String healthJson() {
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", "ok");
    health.put("version", version());
    health.put("uptime_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    health.put("open_sessions", sessions.openCount());
    health.put("stored_sessions", sessions.size());
    health.put("active_turns", engine.activeTurnCount());
    health.put("log_records_queued", logStore.queuedRecords());
    health.put("log_records_dropped", logStore.droppedRecords());
    try {
      return LogRecords.JSON.writeValueAsString(health);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's version, from the build. */
  static final class Version {
    static final String VALUE = load();

    private Version() {}

    private static String load() {
      try (InputStream in = ServerContext.class.getResourceAsStream("server.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }
  }
}
