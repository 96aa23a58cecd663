package dev.gameagent.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads a {@link ServerConfig} from, highest first: command-line flags, the process environment,
 * the {@code .env} file's variables, the defaults. Flags are {@code --name value} or
 * {@code --name=value}; a boolean flag alone means true.
 */
final class ConfigLoader {

  /** One setting: its flag, its environment variable, what it means, and how it is applied. */
  enum Option {
    HOST("--host", "GAME_AGENT_HOST", "HOST", "address to listen on", "127.0.0.1", (b, v) -> b.host(v)),
    PORT("--port", "GAME_AGENT_PORT", "PORT", "port to listen on, 0 for any free port", "8000",
        (b, v) -> b.port(integer(v))),
    LOGS_DIR("--logs-dir", "GAME_AGENT_LOGS_DIR", "DIR", "folder for session logs", "logs",
        (b, v) -> b.logsDir(Path.of(v))),
    TOKEN("--token", "GAME_AGENT_TOKEN", "TOKEN",
        "shared secret: the upgrade needs 'Authorization: Bearer TOKEN' or ?token=TOKEN", "none",
        (b, v) -> b.token(v)),
    STATE_TIMEOUT("--state-timeout-ms", "GAME_AGENT_STATE_TIMEOUT_MS", "MS",
        "how long a turn waits for agent_state_snapshot", "5000", (b, v) -> b.stateTimeout(millis(v))),
    STREAM_IDLE_TIMEOUT("--stream-idle-timeout-ms", "GAME_AGENT_STREAM_IDLE_TIMEOUT_MS", "MS",
        "end a streaming turn with llm_error when its model sends nothing for this long", "300000",
        (b, v) -> b.streamIdleTimeout(millis(v))),
    PING_INTERVAL("--ping-interval-ms", "GAME_AGENT_PING_INTERVAL_MS", "MS",
        "time between WebSocket pings", "20000", (b, v) -> b.pingInterval(millis(v))),
    IDLE_TIMEOUT("--idle-timeout-ms", "GAME_AGENT_IDLE_TIMEOUT_MS", "MS",
        "close a connection after this long without traffic", "60000", (b, v) -> b.idleTimeout(millis(v))),
    HANDSHAKE_TIMEOUT("--handshake-timeout-ms", "GAME_AGENT_HANDSHAKE_TIMEOUT_MS", "MS",
        "close a connection that has not completed its WebSocket handshake this long after connecting", "10000",
        (b, v) -> b.handshakeTimeout(millis(v))),
    SESSION_RETENTION("--session-retention-ms", "GAME_AGENT_SESSION_RETENTION_MS", "MS",
        "how long a disconnected session stays resumable", "1800000", (b, v) -> b.sessionRetention(millis(v))),
    UNWRITABLE_TIMEOUT("--unwritable-timeout-ms", "GAME_AGENT_UNWRITABLE_TIMEOUT_MS", "MS",
        "close a client that does not read what it is sent for this long", "10000",
        (b, v) -> b.unwritableTimeout(millis(v))),
    MAX_MESSAGE_BYTES("--max-message-bytes", "GAME_AGENT_MAX_MESSAGE_BYTES", "BYTES",
        "largest client message; above it the connection closes with 1009", "1048576",
        (b, v) -> b.maxMessageBytes(integer(v))),
    MAX_QUEUED_BYTES("--max-queued-bytes", "GAME_AGENT_MAX_QUEUED_BYTES", "BYTES",
        "most bytes queued for one slow client before it is closed with 1008; past half, new turns get limit_exceeded",
        "16777216",
        (b, v) -> b.maxQueuedBytes(Long.parseLong(v.trim()))),
    COMPRESSION("--compression", "GAME_AGENT_COMPRESSION", "BOOL",
        "offer permessage-deflate compression", "false", (b, v) -> b.compression(bool(v))),
    MAX_TOOL_CONTINUATIONS("--max-tool-continuations", "GAME_AGENT_MAX_TOOL_CONTINUATIONS", "N",
        "continuation turns in a row before tool_loop_limit", "4", (b, v) -> b.maxToolContinuations(integer(v))),
    RATE_LIMIT("--rate-limit", "GAME_AGENT_RATE_LIMIT", "N",
        "client messages per second per connection, bursts of twice that; more get rate_limited; 0 for none",
        "200", (b, v) -> b.rateLimit(integer(v))),
    MAX_AGENTS("--max-agents", "GAME_AGENT_MAX_AGENTS", "N",
        "most agents one session may have; a message adding more gets limit_exceeded", "1000",
        (b, v) -> b.maxAgentsPerSession(integer(v))),
    MAX_TURNS("--max-turns", "GAME_AGENT_MAX_TURNS", "N",
        "most turns one session may have at once; a message starting another gets limit_exceeded", "256",
        (b, v) -> b.maxTurnsPerSession(integer(v))),
    LOG_LEVEL("--log-level", "GAME_AGENT_LOG_LEVEL", "LEVEL",
        "TRACE, DEBUG, INFO, WARN, ERROR or OFF", "INFO", (b, v) -> b.logLevel(v));

    final String flag;
    final String env;
    final String valueName;
    final String description;
    /** The default as {@code --help} shows it; applying it gives the builder's own default. */
    final String defaultText;
    final Setter setter;

    Option(String flag, String env, String valueName, String description, String defaultText, Setter setter) {
      this.flag = flag;
      this.env = env;
      this.valueName = valueName;
      this.description = description;
      this.defaultText = defaultText;
      this.setter = setter;
    }

    boolean isBoolean() {
      return "BOOL".equals(valueName);
    }

    /** The flag with its value, as {@code --help} and the docs' configuration reference show it. */
    String usage() {
      return flag + (isBoolean() ? "[=BOOL]" : " " + valueName);
    }
  }

  @FunctionalInterface
  interface Setter {
    void apply(ServerConfig.Builder builder, String value);
  }

  /** What the command line asked for: a config, or the help text. */
  record Result(ServerConfig config, boolean helpRequested) {}

  private ConfigLoader() {}

  /**
   * Merges the sources into a config.
   *
   * @param env the process environment
   * @param dotEnv the {@code .env} file's variables (lower precedence than {@code env})
   * @throws ConfigException for an unknown flag, a flag without its value, or a bad value
   */
  static Result load(List<String> args, Map<String, String> env, Map<String, String> dotEnv) throws ConfigException {
    Map<String, String> merged = new LinkedHashMap<>(dotEnv);
    merged.putAll(env);
    ServerConfig.Builder builder = ServerConfig.newBuilder().llmEnvironment(merged);
    for (Option option : Option.values()) {
      String value = merged.get(option.env);
      if (value != null && !value.isBlank()) {
        apply(builder, option, value, option.env);
      }
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Result(null, true);
      }
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      Option option = find(name);
      if (option == null) {
        throw new ConfigException("unknown option: " + arg);
      }
      String value;
      if (eq > 0 && arg.startsWith("--")) {
        value = arg.substring(eq + 1);
      } else if (option.isBoolean() && (i + 1 >= args.size() || !isBool(args.get(i + 1)))) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new ConfigException(option.flag + " needs a value (" + option.valueName + ")");
      }
      apply(builder, option, value, option.flag);
    }
    try {
      dev.gameagent.llm.LlmConfig.fromEnvironment(merged);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return new Result(builder.build(), false);
  }

  /** The {@code --help} text: usage and every option with its environment variable. */
  static String help() {
    StringBuilder out = new StringBuilder();
    out.append("Usage: java -jar agent-server.jar [options]\n\n")
        .append("Serves game agent protocol v1 on ws://HOST:PORT/ws and /health.\n")
        .append("Settings, highest first: these flags, the environment, a .env file in the working\n")
        .append("directory, the defaults.\n\nOptions:\n");
    for (Option o : Option.values()) {
      String left = "  " + o.usage();
      out.append(String.format(Locale.ROOT, "%-32s %s (default %s)%n%-32s   env %s%n", left, o.description,
          o.defaultText, "", o.env));
    }
    out.append(String.format(Locale.ROOT, "%-32s %s%n", "  -h, --help", "print this help and exit"));
    out.append("\nLLM settings are read from the environment and .env:\n").append(LlmSettingsHelp.text());
    return out.toString();
  }

  private static Option find(String flag) {
    for (Option o : Option.values()) {
      if (o.flag.equals(flag)) {
        return o;
      }
    }
    return null;
  }

  private static void apply(ServerConfig.Builder builder, Option option, String value, String source)
      throws ConfigException {
    try {
      option.setter.apply(builder, value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  private static int integer(String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number: '" + v + "'");
    }
  }

  private static Duration millis(String v) {
    try {
      return Duration.ofMillis(Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number of milliseconds: '" + v + "'");
    }
  }

  private static boolean isBool(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    return s.equals("true") || s.equals("false") || s.equals("1") || s.equals("0")
        || s.equals("yes") || s.equals("no") || s.equals("on") || s.equals("off");
  }

  private static boolean bool(String v) {
    if (!isBool(v)) {
      throw new IllegalArgumentException("not true or false: '" + v + "'");
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    return s.equals("true") || s.equals("1") || s.equals("yes") || s.equals("on");
  }
}
