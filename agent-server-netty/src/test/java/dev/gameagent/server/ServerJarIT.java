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
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as a process: with no API key it serves turns on the offline model; pointed at an
 * OpenAI-compatible provider it streams that provider's answer, so the jar carries the whole HTTP
 * client (a test-scoped dependency once left it out).
 */
class ServerJarIT {
  @TempDir Path workDir;

  @Test
  void jarServesATurnOnTheOfflineModelAndStopsOnSigterm() throws Exception {
    try (JarProcess server = new JarProcess(workDir, Map.of())) {
      assertThat(server.startup.get(1)).startsWith("Model: offline default model");
      assertThat(server.startup.get(2)).startsWith("Health: http://127.0.0.1:");

      try (WsClient c = WsClient.connect(server.url)) {
        assertThat(c.next("session_started").path("protocol_version").asInt()).isEqualTo(1);
        askBrom(c, "Hello, guard!");
        JsonNode started = c.nextOfType("agent_turn_started");
        assertThat(started.path("model").asText()).isNotBlank();
        JsonNode close = c.nextOfType("agent_tag_close");
        assertThat(close.path("content").asText()).isNotBlank();
        JsonNode finished = c.nextOfType("agent_turn_finished");
        assertThat(finished.path("finish_reason").asText()).isEqualTo("stop");
        TurnFrames.assertValid(c.received());

        server.process.destroy();
        assertThat(c.awaitEnd()).isEqualTo(1001);
      }
      assertThat(server.process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      try (var files = Files.walk(workDir.resolve("logs"))) {
        assertThat(files.anyMatch(p -> p.getFileName().toString().equals("conversation.txt"))).isTrue();
      }
    }
  }

  @Test
  void jarStreamsFromAnOpenAiCompatibleProviderAndReportsItsErrors() throws Exception {
    try (MockWebServer provider = new MockWebServer()) {
      provider.start();
      provider.enqueue(new SseStream().content("<speech>Halt", "! Who goes there?</speech>").finish("stop").response());
      provider.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7")
          .body("{\"error\":{\"message\":\"slow down\"}}").build());
      Map<String, String> env = Map.of("OPENAI_API_BASE", provider.url("/v1").toString(),
          "OPENAI_API_KEY", OpenAiMock.API_KEY, "LLM_MODEL", "mock-model", "LLM_MAX_RETRIES", "0");
      try (JarProcess server = new JarProcess(workDir, env)) {
        assertThat(server.startup.get(1)).contains("mock-model");
        try (WsClient c = WsClient.connect(server.url)) {
          c.next("session_started");
          askBrom(c, "Hello, guard!");
          JsonNode close = c.nextOfType("agent_tag_close");
          assertThat(close.path("tag").asText()).isEqualTo("speech");
          assertThat(close.path("content").asText()).isEqualTo("Halt! Who goes there?");
          assertThat(c.nextOfType("agent_turn_finished").path("finish_reason").asText()).isEqualTo("stop");
          RecordedRequest request = provider.takeRequest(20, TimeUnit.SECONDS);
          assertThat(request).isNotNull();
          assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + OpenAiMock.API_KEY);
          assertThat(request.getBody().utf8()).contains("\"stream\":true").contains("Hello, guard!");

          askBrom(c, "Open the gate!");
          JsonNode failed = c.nextOfType("agent_turn_finished");
          assertThat(failed.path("finish_reason").asText()).isEqualTo("error");
          assertThat(failed.path("error").path("code").asText()).isEqualTo("llm_error");
          assertThat(failed.path("error").path("status").asInt()).isEqualTo(429);
          TurnFrames.assertValid(c.received());
        }
      }
      assertThat(Files.readString(workDir.resolve("stderr.txt"))).doesNotContain(OpenAiMock.API_KEY)
          .doesNotContain("NoClassDefFoundError");
    }
  }

  /** An interaction event for Brom, and his state when the server asks for it. */
  private static void askBrom(WsClient c, String text) {
    c.send("type", "interaction_event", "agent_id", "brom", "event", Map.of("source", "player", "text", text));
    JsonNode get = c.next("get_agent_state");
    c.send("type", "agent_state_snapshot", "agent_id", "brom", "request_id", get.path("request_id").asText(),
        "state", Map.of("name", "Brom", "role", "town guard"));
  }

  /** The jar started with {@code --port 0} in a work directory, its first three output lines read. */
  private static final class JarProcess implements AutoCloseable {
    final Process process;
    final List<String> startup = new ArrayList<>();
    final String url;
    private final Path workDir;

    JarProcess(Path workDir, Map<String, String> llmEnvironment) throws Exception {
      this.workDir = workDir;
      Path jar = Path.of(System.getProperty("agent.server.jar", "target/agent-server.jar")).toAbsolutePath();
      assertThat(jar).exists();
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", jar.toString(), "--port", "0").directory(workDir.toFile());
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> k.startsWith("GAME_AGENT_") || k.startsWith("LLM_") || k.startsWith("OPENAI_")
          || k.endsWith("_API_KEY"));
      env.putAll(llmEnvironment);
      pb.redirectError(workDir.resolve("stderr.txt").toFile());
      process = pb.start();
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
      while (startup.size() < 3) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("startup line; stderr: " + stderr()).isNotNull();
        startup.add(line);
      }
      Matcher m = Pattern.compile("listening on (ws://127\\.0\\.0\\.1:(\\d+)/ws)").matcher(startup.get(0));
      assertThat(m.find()).as(startup.get(0)).isTrue();
      url = m.group(1);
    }

    private String stderr() {
      try {
        return Files.readString(workDir.resolve("stderr.txt"));
      } catch (java.io.IOException e) {
        return "(none)";
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
