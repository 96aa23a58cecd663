package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OnBusy;
import dev.gameagent.core.ToolResult;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link FileLogStore} wrote, {@link SessionLogReader} rebuilds entry for entry. */
class SessionLogReaderTest {
  private static final LlmRequest REQUEST = LlmRequest.builder().addMessage(ChatMessage.user("Hello")).build();

  @TempDir Path dir;

  private static InteractionEvent event(String id, String text, OnBusy onBusy, Map<String, Object> data) {
    return new InteractionEvent(id, "player_said", "player", null, text, Instant.parse("2026-01-02T03:04:00.123Z"),
        onBusy, data);
  }

  private FileLogStore storeIn(Path logs) {
    return new FileLogStore(logs, Clock.systemUTC());
  }

  private static Optional<SessionLogReader.Restored> read(FileLogStore logs, String sessionId) throws Exception {
    logs.flush().get();
    return SessionLogReader.read(logs.sessionDir(sessionId), sessionId, 10, 100);
  }

  @Test
  void reportsEachAgentsHighestTurnIdWhetherOrNotItsTurnWasConfirmed() throws Exception {
    try (FileLogStore logs = storeIn(dir.resolve("logs"))) {
      logs.llmRequest("s1", "brom", "t-9", REQUEST);
      logs.llmRequest("s1", "brom", "t-10", REQUEST); // never confirmed: no history entry names it
      logs.historyAppended("s1", "brom", new HistoryEntry.Turn("t-9", List.of(), false)); // a late result
      logs.llmRequest("s1", "mira", "t-2", REQUEST);

      SessionLogReader.Restored restored = read(logs, "s1").orElseThrow();

      assertThat(restored.turnIds()).containsExactly("t-10", "t-2");
    }
  }

  @Test
  void rebuildsEveryKindOfEntryExactlyWithConfirmedTurnsAtTheirPlace() throws Exception {
    try (FileLogStore logs = storeIn(dir.resolve("logs"))) {
      HistoryEntry.Event hello = new HistoryEntry.Event(event("e-1", "Hello", OnBusy.QUEUE,
          Map.of("volume", 3, "nested", Map.of("list", List.of("a", 1.5, true)))), Disposition.INTERACTION);
      HistoryEntry.Event bell = new HistoryEntry.Event(event("e-2", "A bell", OnBusy.INTERRUPT, Map.of()),
          Disposition.NOTIFICATION);
      HistoryEntry.Event dropped = new HistoryEntry.Event(event("e-3", "Hey!", OnBusy.DROP, Map.of()),
          Disposition.DROPPED);
      HistoryEntry.Turn turn = new HistoryEntry.Turn("t-1", List.of(new ConfirmedTag("speech", Map.of(), "Halt!"),
          new ConfirmedTag("action", Map.of("name", "wave", "speed", "slow"), "")), true);
      HistoryEntry.ToolResults results = new HistoryEntry.ToolResults("t-1", List.of(
          new ToolResult("t-1.c1", "check_inventory", Map.of("found", true, "count", 2), false),
          new ToolResult("t-1.c2", "look", null, true)));

      logs.sessionOpened("s1", false, "/127.0.0.1:5000");
      logs.historyAppended("s1", "brom", hello);
      logs.llmRequest("s1", "brom", "t-1", REQUEST);
      logs.historyAppended("s1", "brom", bell);
      logs.historyAppended("s1", "brom", dropped);
      logs.turnEnded("s1", new TurnEvent.Interrupted("brom", "t-1", TurnEvent.InterruptReason.CANCELLED, null));
      // Confirmed after the notification arrived: it takes the place its prompt reserved.
      logs.historyAppended("s1", "brom", turn);
      logs.historyAppended("s1", "brom", results);
      logs.historyAppended("s1", "mira/../x", bell);

      SessionLogReader.Restored restored = read(logs, "s1").orElseThrow();
      assertThat(restored.histories().get("brom")).containsExactly(hello, turn, bell, dropped, results);
      assertThat(restored.histories().get("mira/../x")).containsExactly(bell);
    }
  }

  @Test
  void skipsTruncatedAndUnknownLinesAndForgetsWhatCameBeforeAReset() throws Exception {
    try (FileLogStore logs = storeIn(dir.resolve("logs"))) {
      HistoryEntry.Event before = new HistoryEntry.Event(event("e-1", "Before", null, Map.of()), Disposition.NOTIFICATION);
      HistoryEntry.Event after = new HistoryEntry.Event(event("e-2", "After", null, Map.of()), Disposition.NOTIFICATION);
      logs.historyAppended("s1", "brom", before);
      logs.agentReset("s1", "brom");
      logs.historyAppended("s1", "brom", after);
      logs.flush().get();
      Path file = logs.agentFile("s1", "brom");
      Files.writeString(file, "{\"type\":\"from_the_future\",\"session_id\":\"s1\",\"agent_id\":\"brom\"}\n"
          + "{\"type\":\"history\",\"session_id\":\"s1\",\"agent_id\":\"brom\",\"entry\":{\"kind\":\"event\"}}\n"
          + "{\"ts\":\"2026-01-02T03:04:05Z\",\"type\":\"hist", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

      SessionLogReader.Restored restored = read(logs, "s1").orElseThrow();
      assertThat(restored.histories().get("brom")).containsExactly(after);
    }
  }

  @Test
  void restoresEachAgentsLastSpecSinceItsLastResetExactly() throws Exception {
    try (FileLogStore logs = storeIn(dir.resolve("logs"))) {
      AgentSpec first = AgentSpec.fromMap(Map.of("name", "Brom"));
      AgentSpec last = AgentSpec.fromMap(Map.of("name", "Brom", "mood", "wary", "world_state", Map.of("rain", true),
          "output_tags", List.of(Map.of("name", "speech"), Map.of("name", "emotion", "values", List.of("calm", "angry"))),
          "default_tag", "speech", "tools", List.of(Map.of("name", "look", "parameters", Map.of("type", "object"))),
          "llm", Map.of("model", "m", "temperature", 0.5, "max_tokens", 40, "seed", 7), "history_limit", 12,
          "instructions", "Be brief."));
      logs.specCached("s1", "brom", first);
      logs.specCached("s1", "brom", last);
      logs.specCached("s1", "mira", first);
      logs.agentReset("s1", "mira");
      logs.specCached("s1", "odo", first);
      logs.flush().get();
      // A spec record that cannot be read back is skipped, the agent's earlier one is not revived.
      Files.writeString(logs.agentFile("s1", "odo"), "{\"type\":\"agent_spec\",\"session_id\":\"s1\","
          + "\"agent_id\":\"odo\",\"state\":{\"mood\":\"no name\"}}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

      SessionLogReader.Restored restored = read(logs, "s1").orElseThrow();
      assertThat(restored.specs()).containsOnlyKeys("brom");
      assertThat(restored.specs().get("brom")).isEqualTo(last);
      assertThat(restored.histories()).containsOnlyKeys("brom", "mira", "odo");
    }
  }

  @Test
  void aFolderWithoutRecordsOfTheSessionIsNotASession() throws Exception {
    try (FileLogStore logs = storeIn(dir.resolve("logs"))) {
      assertThat(read(logs, "never-seen")).isEmpty();
      Files.createDirectories(logs.sessionDir("empty"));
      assertThat(read(logs, "empty")).isEmpty();
    }
  }
}
