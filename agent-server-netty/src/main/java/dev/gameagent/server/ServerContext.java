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
import java.util.concurrent.TimeUnit;

/** What every connection of one server shares: settings, codec, engine, sessions, logs. Thread-safe. */
final class ServerContext {
  static final String SERVER_NAME = "game-agent";

  private final ServerConfig config;
  private final ProtocolCodec codec;
  private final AgentEngine engine;
  private final SessionRegistry<ServerSession, Connection> sessions = new SessionRegistry<>();
  private final FileLogStore logStore;
  private final Clock clock;
  private final long startNanos = System.nanoTime();
  /** Read here, on the thread building the server, so that no event loop reads the resource. */
  private final String version = Version.VALUE;

  ServerContext(ServerConfig config, ProtocolCodec codec, AgentEngine engine, FileLogStore logStore, Clock clock) {
    this.config = config;
    this.codec = codec;
    this.engine = engine;
    this.logStore = logStore;
    this.clock = clock;
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
