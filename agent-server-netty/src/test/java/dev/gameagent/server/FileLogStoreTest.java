package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OnBusy;
import dev.gameagent.core.ToolResult;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLogStoreTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private FileLogStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void recordsEveryKindOfLineAndAReadableConversationOnClose() throws Exception {
    store = new FileLogStore(dir.resolve("logs"), clock);
    InteractionEvent hello = new InteractionEvent("e-1", "player_said", "player", "brom", "Hello",
        Instant.parse("2026-01-02T03:04:00Z"), OnBusy.INTERRUPT, Map.of("volume", 3));
    store.sessionOpened("s1", false, "/127.0.0.1:5000");
    store.historyAppended("s1", "brom", new HistoryEntry.Event(hello, HistoryEntry.Disposition.INTERACTION));
    store.llmRequest("s1", "brom", "t-1", LlmRequest.builder().addMessage(ChatMessage.system("You are Brom"))
        .addMessage(ChatMessage.user("Hello")).model("m1").temperature(0.5).maxTokens(100).stop(List.of("</x>"))
        .option(LlmRequest.OPTION_PROVIDER, "openai").option(LlmRequest.OPTION_AGENT_SPEC, "not logged").build());
    store.historyAppended("s1", "brom", new HistoryEntry.Turn("t-1",
        List.of(new ConfirmedTag("speech", Map.of(), "Halt!"), new ConfirmedTag("action", Map.of("name", "wave"), "")),
        true));
    store.historyAppended("s1", "brom", new HistoryEntry.ToolResults("t-1",
        List.of(new ToolResult("t-1.c1", "check_inventory", Map.of("found", true), false))));
    store.turnEnded("s1", new TurnEvent.Finished("brom", "t-1", "error", new Usage(10, 2),
        new TurnEvent.Timing(1, 2, 3), List.of(new TagRejection("action", "value_not_allowed")),
        new TurnEvent.TurnError(ErrorCode.LLM_ERROR, "provider failed", 429)));
    store.turnEnded("s1", new TurnEvent.Interrupted("brom", "t-2", TurnEvent.InterruptReason.SUPERSEDED, "e-3"));
    store.agentReset("s1", "brom");
    store.sessionClosed("s1");
    store.flush().get(10, TimeUnit.SECONDS);

    List<JsonNode> lines = readLines(store.agentFile("s1", "brom"));
    assertThat(lines).extracting(n -> n.path("type").asText())
        .containsExactly("history", "llm_request", "history", "history", "turn_ended", "turn_ended", "agent_reset");
    JsonNode request = lines.get(1);
    assertThat(request.path("model").asText()).isEqualTo("m1");
    assertThat(request.path("temperature").asDouble()).isEqualTo(0.5);
    assertThat(request.path("max_tokens").asInt()).isEqualTo(100);
    assertThat(request.path("stop").get(0).asText()).isEqualTo("</x>");
    assertThat(request.path("provider").asText()).isEqualTo("openai");
    assertThat(request.path("messages").get(1).path("content").asText()).isEqualTo("Hello");
    assertThat(request.toString()).doesNotContain("not logged");
    assertThat(lines.get(0).path("entry").path("event").path("data").path("volume").asInt()).isEqualTo(3);
    assertThat(lines.get(4).path("error").path("status").asInt()).isEqualTo(429);
    assertThat(lines.get(0).path("ts").asText()).isEqualTo("2026-01-02T03:04:05Z");

    assertThat(readLines(store.sessionDir("s1").resolve("session.jsonl")))
        .extracting(n -> n.path("type").asText()).containsExactly("session_opened", "session_closed");

    String conversation = Files.readString(store.conversationFile("s1"), StandardCharsets.UTF_8);
    assertThat(conversation)
        .contains("Session s1", "== Agent brom ==", "event player_said from player to brom: Hello",
            "agent (turn t-1, interrupted): <speech>Halt!</speech> <action name=\"wave\"></action>",
            "tool results for t-1: check_inventory -> {\"found\":true}",
            "turn t-1 finished (error, error llm_error: provider failed)",
            "turn t-2 interrupted (superseded)", "agent reset");
  }

  @Test
  void hostileIdsStayInsideTheLogsFolder() throws Exception {
    Path root = dir.resolve("logs");
    store = new FileLogStore(root, clock);
    for (String id : List.of("../../x", "/etc/passwd", "..", "a/b", "a_b")) {
      store.agentReset(id, id);
      store.sessionClosed(id);
    }
    store.flush().get(10, TimeUnit.SECONDS);
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).forEach(all::add);
    }
    assertThat(all).isNotEmpty().allSatisfy(p -> assertThat(p.toAbsolutePath().normalize()
        .startsWith(root.toAbsolutePath().normalize())).isTrue());
    assertThat(store.agentFile("a/b", "a/b")).isNotEqualTo(store.agentFile("a_b", "a_b"));
    assertThat(Files.exists(store.agentFile("a/b", "a/b"))).isTrue();
    assertThat(Files.exists(store.agentFile("a_b", "a_b"))).isTrue();
  }

  @Test
  void closeWritesWhatWasQueued() throws Exception {
    store = new FileLogStore(dir, clock);
    for (int i = 0; i < 1000; i++) {
      store.agentReset("s", "a");
    }
    store.close();
    assertThat(Files.readAllLines(store.agentFile("s", "a"))).hasSize(1000);
  }

  @Test
  void aDiskFarBehindDropsNothingAndSaysSoUntilTheWriterCatchesUp() throws Exception {
    CountDownLatch diskStalled = new CountDownLatch(1);
    store = new FileLogStore(dir, clock, 10, stalledUntil(diskStalled));
    store.sessionOpened("s", false, "remote");
    for (int i = 0; i < 25; i++) {
      store.historyAppended("s", "a", new HistoryEntry.Event(InteractionEvent.of("e-" + i, "player", "line " + i),
          HistoryEntry.Disposition.INTERACTION));
    }
    // The writer has not written a thing, yet every call returned and every record waits.
    assertThat(store.isBehind()).isTrue();
    assertThat(store.queuedRecords()).isEqualTo(25);
    assertThat(store.droppedRecords()).isZero();
    store.sessionClosed("s");

    diskStalled.countDown();
    store.flush().get(10, TimeUnit.SECONDS);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      expected.add("line " + i);
    }
    assertThat(readLines(store.agentFile("s", "a"))).extracting(n -> n.path("entry").path("event").path("text").asText())
        .containsExactlyElementsOf(expected);
    assertThat(readLines(store.sessionDir("s").resolve("session.jsonl"))).extracting(n -> n.path("type").asText())
        .containsExactly("session_opened", "session_closed");
    assertThat(store.conversationFile("s")).exists();
    assertThat(store.isBehind()).isFalse();
    assertThat(store.queuedRecords()).isZero();
    assertThat(store.droppedRecords()).isZero();
  }

  @Test
  void flushCompletesOnlyOnceEverythingBeforeItIsWritten() throws Exception {
    CountDownLatch diskStalled = new CountDownLatch(1);
    store = new FileLogStore(dir, clock, 10, stalledUntil(diskStalled));
    store.agentReset("s", "a");
    CompletableFuture<List<String>> linesWhenFlushed = store.flush().thenApply(done -> lines(store.agentFile("s", "a")));
    assertThat(linesWhenFlushed).isNotDone();

    diskStalled.countDown();
    assertThat(linesWhenFlushed.get(10, TimeUnit.SECONDS)).singleElement().asString().contains("\"agent_reset\"");
  }

  @Test
  void aLineACrashCutShortStaysALineOfItsOwnAndTheNextRecordIsWhole() throws Exception {
    store = new FileLogStore(dir, clock);
    Path file = store.agentFile("s", "a");
    Files.createDirectories(file.getParent());
    String whole = LogRecords.JSON.writeValueAsString(LogRecords.history("s", "a", new HistoryEntry.Event(
        InteractionEvent.of("e-1", "player", "before the crash"), HistoryEntry.Disposition.INTERACTION), clock.instant()));
    Files.writeString(file, whole + "\n" + whole.substring(0, whole.length() / 2), StandardCharsets.UTF_8);

    store.historyAppended("s", "a", new HistoryEntry.Event(InteractionEvent.of("e-2", "player", "after the restart"),
        HistoryEntry.Disposition.INTERACTION));
    store.flush().get(10, TimeUnit.SECONDS);

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).isEqualTo(whole.substring(0, whole.length() / 2));
    assertThat(LogRecords.JSON.readTree(lines.get(2)).path("entry").path("event").path("text").asText())
        .isEqualTo("after the restart");
    assertThat(SessionLogReader.read(store.sessionDir("s"), "s", 10, 100).orElseThrow().histories().get("a"))
        .extracting(e -> ((HistoryEntry.Event) e).event().text()).containsExactly("before the crash", "after the restart");
  }

  @Test
  void aRecordThatCannotBeWrittenIsCountedAndTheNextOneIsWritten() throws Exception {
    store = new FileLogStore(dir, clock);
    Path file = store.agentFile("s", "a");
    // A folder where the file should be: every write to it fails, as on a full or read-only disk.
    Files.createDirectories(file);
    store.agentReset("s", "a");
    store.flush().get(10, TimeUnit.SECONDS);
    assertThat(store.droppedRecords()).isEqualTo(1);

    Files.delete(file);
    store.agentReset("s", "a");
    store.flush().get(10, TimeUnit.SECONDS);
    assertThat(readLines(file)).singleElement().satisfies(n -> assertThat(n.path("type").asText()).isEqualTo("agent_reset"));
    assertThat(store.droppedRecords()).isEqualTo(1);
  }

  /** A writer thread that starts working only once {@code disk} is counted down. */
  private static ThreadFactory stalledUntil(CountDownLatch disk) {
    return task -> new Thread(() -> {
      try {
        disk.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      task.run();
    });
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<JsonNode> readLines(Path file) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      nodes.add(LogRecords.JSON.readTree(line));
    }
    return nodes;
  }
}
