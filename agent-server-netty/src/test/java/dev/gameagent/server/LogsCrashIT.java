package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar killed with SIGKILL right after a turn's terminal message: every history entry and
 * LLM request of the session is already in its JSON lines, each line whole, and a new process on
 * the same logs folder resumes the session with that history.
 */
class LogsCrashIT {
  private static final Pattern LISTENING = Pattern.compile("listening on (ws://127\\.0\\.0\\.1:\\d+/ws)");

  @TempDir Path workDir;

  @Test
  void aKilledServerLosesNoRecordAndTheSessionResumesFromDisk() throws Exception {
    String sessionId;
    List<String> turnIds = new ArrayList<>();
    Process first = startJar();
    try (WsClient c = WsClient.connect(urlOf(first))) {
      sessionId = c.next("session_started").path("session_id").asText();
      turnIds.add(turn(c, "e-1", "Hello, guard!"));
      c.send("type", "agent_turn_result", "agent_id", "brom", "turn_id", turnIds.get(0),
          "buffer", "<speech>Halt! Who goes there?</speech>");
      c.send("type", "notification_event", "agent_id", "brom",
          "event", Map.of("event_id", "n-1", "kind", "bell", "text", "The midnight bell rings."));
      turnIds.add(turn(c, "e-2", "I bring a letter for the mayor."));
      turnIds.add(turn(c, "e-3", "Let me through, please."));
      // No grace at all: the kill follows the last terminal message as fast as the test can act.
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    } finally {
      first.destroyForcibly();
    }

    List<JsonNode> records = agentRecords();
    assertThat(records).filteredOn(r -> r.path("type").asText().equals("history"))
        .extracting(r -> r.path("entry").path("kind").asText() + ":" + r.path("entry").path("event").path("event_id")
            .asText(r.path("entry").path("turn_id").asText()))
        .containsExactly("event:e-1", "turn:" + turnIds.get(0), "event:n-1", "event:e-2", "event:e-3");
    assertThat(records).filteredOn(r -> r.path("type").asText().equals("llm_request"))
        .extracting(r -> r.path("turn_id").asText()).containsExactlyElementsOf(turnIds);
    assertThat(records).filteredOn(r -> r.path("type").asText().equals("turn_ended"))
        .extracting(r -> r.path("turn_id").asText()).containsExactlyElementsOf(turnIds);

    Process second = startJar();
    try (WsClient c = WsClient.connect(urlOf(second) + "?session_id=" + sessionId)) {
      assertThat(c.next("session_started").path("resumed").asBoolean()).isTrue();
      askBrom(c, "e-4", "Do you remember me?");
      JsonNode started = c.nextOfType("agent_turn_started");
      // e-1, the confirmed answer to it, n-1, e-2, e-3: the unconfirmed turns are not history.
      assertThat(started.path("prompt").path("history_included").asInt()).as(started.toString()).isEqualTo(5);
      c.nextOfType("agent_turn_finished");
      // The terminal message comes after the turn's records are written: the last request is this turn's.
      JsonNode resumedRequest = agentRecords().stream().filter(r -> r.path("type").asText().equals("llm_request"))
          .reduce((earlier, later) -> later).orElseThrow();
      assertThat(resumedRequest.path("messages").toString()).contains("Hello, guard!", "Halt! Who goes there?",
          "The midnight bell rings.", "I bring a letter for the mayor.", "Let me through, please.",
          "Do you remember me?");
    } finally {
      second.destroyForcibly();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** One turn of Brom's, run to its terminal message; returns its turn id. */
  private static String turn(WsClient c, String eventId, String text) {
    askBrom(c, eventId, text);
    JsonNode finished = c.nextOfType("agent_turn_finished");
    assertThat(finished.path("finish_reason").asText()).isEqualTo("stop");
    return finished.path("turn_id").asText();
  }

  private static void askBrom(WsClient c, String eventId, String text) {
    c.send("type", "interaction_event", "agent_id", "brom",
        "event", Map.of("event_id", eventId, "source", "player", "text", text));
    JsonNode get = c.nextOfType("get_agent_state");
    // A long description makes the request line far longer than any write buffer.
    c.send("type", "agent_state_snapshot", "agent_id", "brom", "request_id", get.path("request_id").asText(),
        "state", Map.of("name", "Brom", "role", "town guard", "description", "A tired veteran. ".repeat(600)));
  }

  /**
   * Every record of every agent file, failing on a line that is not whole JSON: a torn last line
   * is a lost record.
   */
  private List<JsonNode> agentRecords() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(workDir.resolve("logs"))) {
      files = walk.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
    List<JsonNode> records = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(text).as(file + " ends with a whole line").endsWith("\n");
      for (String line : text.split("\n")) {
        try {
          JsonNode record = LogRecords.JSON.readTree(line);
          if (!file.getFileName().toString().equals(FileLogStore.SESSION_FILE)) {
            records.add(record);
          }
        } catch (JsonProcessingException e) {
          throw new AssertionError("a line of " + file + " is not JSON: " + line, e);
        }
      }
    }
    return records;
  }

  /** The jar on a free port, working in {@link #workDir} with the offline model. */
  private Process startJar() throws IOException {
    Path jar = Path.of(System.getProperty("agent.server.jar", "target/agent-server.jar")).toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--port", "0").directory(workDir.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("stderr.txt").toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("GAME_AGENT_") || name.startsWith("LLM_")
        || name.startsWith("OPENAI_") || name.endsWith("_API_KEY"));
    return builder.start();
  }

  /** Reads the process's output up to its "listening on" line; the rest is drained in the background. */
  private String urlOf(Process process) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            out.lines().forEach(ignored -> { });
          } catch (java.io.UncheckedIOException ended) {
            // The process was killed.
          }
        });
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    throw new AssertionError("the jar exited before listening: " + Files.readString(workDir.resolve("stderr.txt")));
  }
}
