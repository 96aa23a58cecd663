package dev.gameagent.server;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The executable jar's entry point: {@code java -jar agent-server.jar [options]}. Loads the
 * settings (flags, environment, {@code .env}, defaults), starts an {@link AgentServer}, prints the
 * WebSocket URL and the model, and shuts down gracefully on SIGTERM or Ctrl-C. Exit codes: 0 after
 * {@code --help} or a clean stop, 1 when the server cannot start, 2 for bad settings.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.getenv(), Path.of(".env"), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(String[] args, Map<String, String> env, Path dotEnvFile, PrintStream out, PrintStream err) {
    ConfigLoader.Result result;
    try {
      result = ConfigLoader.load(Arrays.asList(args), env, DotEnv.load(dotEnvFile));
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      err.println("Run with --help to list the options.");
      return 2;
    } catch (IOException e) {
      err.println("error: cannot read " + dotEnvFile + ": " + e.getMessage());
      return 2;
    }
    if (result.helpRequested()) {
      out.print(ConfigLoader.help());
      return 0;
    }
    ServerConfig config = result.config();
    applyLogLevel(config.logLevel());
    AgentServer server;
    try {
      server = AgentServer.newBuilder().config(config).build();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    try {
      server.start();
    } catch (UncheckedIOException | IllegalStateException e) {
      err.println("error: " + e.getMessage());
      server.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "game-agent-shutdown"));
    out.println("Game agent server listening on " + server.webSocketUrl());
    out.println("Model: " + server.modelDescription());
    out.println("Health: http://" + hostForUrl(config.host()) + ":" + server.port() + "/health");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Sets Logback's root level; the jar ships Logback, an embedder may not. */
  static void applyLogLevel(String level) {
    org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(Level.toLevel(level, Level.INFO));
    }
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
