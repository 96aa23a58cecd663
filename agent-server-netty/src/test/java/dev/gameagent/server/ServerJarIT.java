package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar as a process, with no API key: it serves turns on the offline model. */
class ServerJarIT {
  @TempDir Path workDir;

  @Test
  void jarServesATurnOnTheOfflineModelAndStopsOnSigterm() throws Exception {
    Path jar = Path.of(System.getProperty("agent.server.jar", "target/agent-server.jar")).toAbsolutePath();
    assertThat(jar).exists();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--port", "0").directory(workDir.toFile()).redirectErrorStream(false);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GAME_AGENT_") || k.startsWith("LLM_") || k.startsWith("OPENAI_")
        || k.endsWith("_API_KEY"));
    pb.redirectError(workDir.resolve("stderr.txt").toFile());
    Process process = pb.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException ignored) {
        // The process ended.
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      List<String> startup = new ArrayList<>();
      String url = null;
      while (startup.size() < 3) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("startup line; stderr: " + stderr()).isNotNull();
        startup.add(line);
      }
      Matcher m = Pattern.compile("listening on (ws://127\\.0\\.0\\.1:(\\d+)/ws)").matcher(startup.get(0));
      assertThat(m.find()).as(startup.get(0)).isTrue();
      url = m.group(1);
      assertThat(startup.get(1)).startsWith("Model: offline default model");
      assertThat(startup.get(2)).startsWith("Health: http://127.0.0.1:");

      try (WsClient c = WsClient.connect(url)) {
        assertThat(c.next("session_started").path("protocol_version").asInt()).isEqualTo(1);
        c.send("type", "interaction_event", "agent_id", "brom",
            "event", Map.of("source", "player", "text", "Hello, guard!"));
        JsonNode get = c.next("get_agent_state");
        c.send("type", "agent_state_snapshot", "agent_id", "brom", "request_id", get.path("request_id").asText(),
            "state", Map.of("name", "Brom", "role", "town guard"));
        JsonNode started = c.nextOfType("agent_turn_started");
        assertThat(started.path("model").asText()).isNotBlank();
        JsonNode close = c.nextOfType("agent_tag_close");
        assertThat(close.path("content").asText()).isNotBlank();
        JsonNode finished = c.nextOfType("agent_turn_finished");
        assertThat(finished.path("finish_reason").asText()).isEqualTo("stop");
        TurnFrames.assertValid(c.received());

        process.destroy();
        assertThat(c.awaitEnd()).isEqualTo(1001);
      }
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      try (var files = Files.walk(workDir.resolve("logs"))) {
        assertThat(files.anyMatch(p -> p.getFileName().toString().equals("conversation.txt"))).isTrue();
      }
    } finally {
      process.destroyForcibly();
    }
  }

  private String stderr() {
    try {
      return Files.readString(workDir.resolve("stderr.txt"));
    } catch (java.io.IOException e) {
      return "(none)";
    }
  }
}
