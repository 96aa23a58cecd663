package dev.gameagent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.HistoryEntry.Disposition;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OnBusy;
import dev.gameagent.core.ToolResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a session's history back from the files {@link FileLogStore} wrote, for a session resumed
 * after a server restart.
 *
 * <p>Each agent file is replayed as the engine built its history: a {@code history} record appends
 * its entry, except a confirmed turn, which takes the place reserved by its turn's
 * {@code llm_request} record (the engine reserves a turn's place when it builds the prompt, and the
 * LLM request is logged right then); the last {@code agent_spec} record is the agent's cached spec;
 * an {@code agent_reset} record forgets what came before. Lines
 * that are not JSON (a crash mid-write leaves a truncated last line), records of other kinds or of
 * another session, and entries that cannot be rebuilt are skipped. At most the newest
 * {@code maxEntries} entries of each agent and the first {@code maxAgents} agent files (by name) are
 * kept, so memory stays bounded whatever the files' size; files are streamed line by line.
 *
 * <p>Blocking file I/O: never call on an event loop. Stateless and thread-safe.
 */
final class SessionLogReader {
  private static final Logger log = LoggerFactory.getLogger(SessionLogReader.class);

  /**
   * A session read back: each agent's history, oldest first, agents in file-name order, the cached
   * spec of each agent that had one, and each agent's highest turn id in its records (a turn never
   * confirmed leaves no history entry, but its id must not be handed out again).
   */
  record Restored(Map<String, List<HistoryEntry>> histories, Map<String, AgentSpec> specs, List<String> turnIds) {}

  private SessionLogReader() {}

  /**
   * Reads session {@code sessionId} from {@code dir}, its folder.
   *
   * @return empty when the folder does not exist or holds no record of this session
   */
  static Optional<Restored> read(Path dir, String sessionId, int maxAgents, int maxEntries) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    boolean found = false;
    Path sessionFile = dir.resolve(FileLogStore.SESSION_FILE);
    if (Files.isRegularFile(sessionFile)) {
      found = mentions(sessionFile, sessionId);
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jsonl")) {
      for (Path file : stream) {
        if (!file.getFileName().toString().equals(FileLogStore.SESSION_FILE) && Files.isRegularFile(file)) {
          files.add(file);
        }
      }
    }
    files.sort(null);
    Map<String, List<HistoryEntry>> histories = new LinkedHashMap<>();
    Map<String, AgentSpec> specs = new LinkedHashMap<>();
    List<String> turnIds = new ArrayList<>();
    for (Path file : files) {
      if (histories.size() >= maxAgents) {
        log.warn("session {} has more than {} agent logs; the rest are not restored", sessionId, maxAgents);
        break;
      }
      AgentReplay replay = replay(file, sessionId, maxEntries);
      if (replay.agentId != null) {
        found = true;
        histories.put(replay.agentId, replay.entries());
        if (replay.highestTurnId != null) {
          turnIds.add(replay.highestTurnId);
        }
        AgentSpec spec = replay.spec(file);
        if (spec != null) {
          specs.put(replay.agentId, spec);
        }
      }
    }
    return found ? Optional.of(new Restored(histories, specs, turnIds)) : Optional.empty();
  }

  private static boolean mentions(Path sessionFile, String sessionId) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(sessionFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode node = parse(line, sessionFile);
        if (node != null && sessionId.equals(node.path("session_id").asText(null))) {
          return true;
        }
      }
    }
    return false;
  }

  private static AgentReplay replay(Path file, String sessionId, int maxEntries) throws IOException {
    AgentReplay replay = new AgentReplay(maxEntries);
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode node = parse(line, file);
        if (node == null || !sessionId.equals(node.path("session_id").asText(null))) {
          continue;
        }
        String agentId = node.path("agent_id").asText(null);
        if (agentId == null || agentId.isEmpty() || (replay.agentId != null && !replay.agentId.equals(agentId))) {
          continue;
        }
        replay.agentId = agentId;
        try {
          replay.apply(node);
        } catch (RuntimeException e) {
          log.warn("skipping a session log record that cannot be restored file={} type={}: {}",
              file.getFileName(), node.path("type").asText(), e.toString());
        }
      }
    }
    return replay;
  }

  /** The line as JSON, or null when it is blank or not JSON (a truncated last line). */
  private static JsonNode parse(String line, Path file) {
    if (line.isBlank()) {
      return null;
    }
    try {
      JsonNode node = LogRecords.JSON.readTree(line);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      log.warn("skipping a session log line that is not JSON (truncated by a crash?) file={}", file.getFileName());
      return null;
    }
  }

  /** One agent's history being rebuilt, with the places reserved for turns not yet confirmed. */
  private static final class AgentReplay {
    /** One place in history; {@code entry} is null while its turn's result is awaited. */
    private static final class Slot {
      HistoryEntry entry;
      boolean forgotten;
    }

    private final int maxEntries;
    private final Deque<Slot> slots = new ArrayDeque<>();
    private final Map<String, Slot> reserved = new HashMap<>();
    private String agentId;
    /**
     * The highest {@code t-N} turn id the agent's records name, resets included (ids are never
     * reused in a session); one string whatever the log's length.
     */
    private String highestTurnId;
    /** The state of the last {@code agent_spec} record since the last reset, or null. */
    private JsonNode spec;

    AgentReplay(int maxEntries) {
      this.maxEntries = maxEntries;
    }

    void apply(JsonNode node) {
      String turnId = node.path("turn_id").asText(null);
      if (turnId != null && isHigherTurnId(turnId, highestTurnId)) {
        highestTurnId = turnId;
      }
      switch (node.path("type").asText()) {
        case "history" -> history(node.path("entry"));
        case "llm_request" -> {
          if (turnId != null) {
            Slot slot = new Slot();
            reserved.put(turnId, slot);
            add(slot);
          }
        }
        case "agent_spec" -> spec = node.get("state");
        case "agent_reset" -> {
          slots.clear();
          reserved.clear();
          spec = null;
        }
        default -> { } // llm outcomes and kinds this version does not know: not history
      }
    }

    /** Whether {@code id} is a {@code t-N} id numbered above {@code than} (null: none yet). */
    private static boolean isHigherTurnId(String id, String than) {
      if (!id.startsWith("t-") || id.length() == 2 || id.charAt(2) == '0') {
        return false;
      }
      for (int i = 2; i < id.length(); i++) {
        if (id.charAt(i) < '0' || id.charAt(i) > '9') {
          return false;
        }
      }
      // no leading zeros, so the longer number is the larger, and equal lengths compare as text
      return than == null || id.length() > than.length() || (id.length() == than.length() && id.compareTo(than) > 0);
    }

    private void history(JsonNode e) {
      HistoryEntry entry = switch (e.path("kind").asText()) {
        case "event" -> new HistoryEntry.Event(event(e.path("event")),
            Disposition.valueOf(e.path("disposition").asText().toUpperCase(Locale.ROOT)));
        case "turn" -> turn(e);
        case "tool_results" -> toolResults(e);
        default -> null;
      };
      if (entry == null) {
        return;
      }
      Slot place = entry instanceof HistoryEntry.Turn t ? reserved.remove(t.turnId()) : null;
      if (place != null && !place.forgotten && place.entry == null) {
        place.entry = entry;
      } else {
        Slot slot = new Slot();
        slot.entry = entry;
        add(slot);
      }
    }

    private void add(Slot slot) {
      slots.addLast(slot);
      // Trimmed in batches, as the engine's history is: a forgotten place is not refilled.
      if (slots.size() > 2 * maxEntries) {
        while (slots.size() > maxEntries) {
          slots.removeFirst().forgotten = true;
        }
        reserved.values().removeIf(s -> s.forgotten);
      }
    }

    /** The agent's cached spec, or null when it had none or its record cannot be read back. */
    AgentSpec spec(Path file) {
      if (spec == null || !spec.isObject()) {
        return null;
      }
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = LogRecords.JSON.convertValue(spec, Map.class);
        return AgentSpec.fromMap(tree);
      } catch (IllegalArgumentException e) {
        log.warn("not restoring a spec that cannot be read back file={}: {}", file.getFileName(), e.getMessage());
        return null;
      }
    }

    List<HistoryEntry> entries() {
      List<HistoryEntry> out = new ArrayList<>();
      for (Slot slot : slots) {
        if (slot.entry != null) {
          out.add(slot.entry);
        }
      }
      int from = Math.max(0, out.size() - maxEntries);
      return List.copyOf(out.subList(from, out.size()));
    }

    private static InteractionEvent event(JsonNode n) {
      @SuppressWarnings("unchecked")
      Map<String, Object> data = n.path("data").isObject()
          ? LogRecords.JSON.convertValue(n.get("data"), Map.class) : Map.of();
      return new InteractionEvent(required(n, "event_id"), textOrNull(n, "kind"), textOrNull(n, "source"),
          textOrNull(n, "target"), textOrNull(n, "text"), Instant.parse(required(n, "timestamp")),
          onBusy(textOrNull(n, "on_busy")), data);
    }

    private static HistoryEntry.Turn turn(JsonNode e) {
      List<ConfirmedTag> tags = new ArrayList<>();
      for (JsonNode t : e.path("tags")) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> a : t.path("attributes").properties()) {
          attributes.put(a.getKey(), a.getValue().asText());
        }
        tags.add(new ConfirmedTag(required(t, "tag"), attributes, t.path("content").asText("")));
      }
      return new HistoryEntry.Turn(required(e, "turn_id"), tags, e.path("interrupted").asBoolean(false));
    }

    private static HistoryEntry.ToolResults toolResults(JsonNode e) {
      List<ToolResult> results = new ArrayList<>();
      for (JsonNode r : e.path("results")) {
        JsonNode output = r.get("output");
        Object value = output == null || output.isNull() ? null : LogRecords.JSON.convertValue(output, Object.class);
        results.add(new ToolResult(required(r, "call_id"), r.path("name").asText(""), value,
            r.path("is_error").asBoolean(false)));
      }
      return new HistoryEntry.ToolResults(required(e, "turn_id"), results);
    }

    private static OnBusy onBusy(String wire) {
      return wire == null ? null : OnBusy.fromWire(wire);
    }

    private static String textOrNull(JsonNode n, String field) {
      JsonNode v = n.get(field);
      return v == null || v.isNull() ? null : v.asText();
    }

    private static String required(JsonNode n, String field) {
      JsonNode v = n.get(field);
      if (v == null || !v.isTextual()) {
        throw new IllegalArgumentException("missing " + field);
      }
      return v.asText();
    }
  }
}
