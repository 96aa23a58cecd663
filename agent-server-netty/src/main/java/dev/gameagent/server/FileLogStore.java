package dev.gameagent.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.LogStore;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.LlmRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link LogStore}: JSON lines under the logs folder, one folder per session and one
 * file per agent, plus {@code session.jsonl} and, when the connection closes,
 * {@code conversation.txt}.
 *
 * <pre>
 * logs/
 *   &lt;session&gt;-&lt;hash&gt;/
 *     session.jsonl             opened, resumed, closed
 *     &lt;agent&gt;-&lt;hash&gt;.jsonl        history entries, LLM requests, turn outcomes, specs, resets
 *     conversation.txt          readable, rewritten on every disconnect
 * </pre>
 *
 * <p>Threading: callers (engine and event-loop threads) only enqueue; one writer thread owns every
 * file, appends each record as it is dequeued and flushes whenever the queue runs dry, so a crash
 * loses at most what was still queued. {@link #close()} drains the queue first.
 *
 * <p>Bounded: at most {@link #DEFAULT_MAX_QUEUED_RECORDS} records (history entries, LLM requests,
 * turn outcomes, resets) wait for the disk. When the disk falls that far behind, further records are
 * dropped, never waited for, so no engine thread or event loop blocks and memory stays flat; each
 * drop is counted ({@link #droppedRecords()}, on {@code /health}), and a warning is logged when
 * dropping starts and when the writer has caught up. Session records ({@code session.jsonl}) and
 * the conversation log are never dropped: there is one of each per connection.
 */
final class FileLogStore implements LogStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileLogStore.class);
  /** A session folder's own record file; every other {@code .jsonl} file in it is one agent's. */
  static final String SESSION_FILE = "session.jsonl";
  private static final String CONVERSATION_FILE = "conversation.txt";
  private static final int MAX_OPEN_FILES = 128;
  /** Far more than a healthy disk ever lags by; small enough that queued prompts stay in the hundreds of MB. */
  static final int DEFAULT_MAX_QUEUED_RECORDS = 50_000;

  private final Path root;
  private final Clock clock;
  /** Records and session tasks; only records count against {@link #maxQueuedRecords}. */
  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final int maxQueuedRecords;
  private final AtomicInteger queuedRecords = new AtomicInteger();
  private final AtomicLong droppedRecords = new AtomicLong();
  /** Set by the first drop of a run of drops, cleared (with a warning) when the writer caught up. */
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final Thread writer;
  private volatile boolean closed;

  /** Owned by the writer thread: open files, least recently used first. */
  private final Map<Path, BufferedWriter> open = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, String> names = new java.util.HashMap<>();

  FileLogStore(Path root, Clock clock) {
    this(root, clock, DEFAULT_MAX_QUEUED_RECORDS, task -> new Thread(task, "game-agent-log-writer"));
  }

  /** For tests: a smaller bound, and a writer thread they control. */
  FileLogStore(Path root, Clock clock, int maxQueuedRecords, ThreadFactory writerThreads) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
    this.maxQueuedRecords = maxQueuedRecords;
    this.writer = writerThreads.newThread(this::run);
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** Records dropped because the disk fell {@link #DEFAULT_MAX_QUEUED_RECORDS} records behind, since start. */
  long droppedRecords() {
    return droppedRecords.get();
  }

  Path root() {
    return root;
  }

  /** The folder of a session's files. */
  Path sessionDir(String sessionId) {
    return LogFileNames.resolveInside(root, nameOf(sessionId));
  }

  /** The JSON lines file of one agent of a session. */
  Path agentFile(String sessionId, String agentId) {
    Path dir = sessionDir(sessionId);
    return LogFileNames.resolveInside(dir, nameOf(agentId) + ".jsonl");
  }

  /** Remembers recent names: every record needs two, and each costs a SHA-256. */
  private String nameOf(String id) {
    synchronized (names) {
      if (names.size() > 4096) {
        names.clear();
      }
      return names.computeIfAbsent(id, LogFileNames::forId);
    }
  }

  Path conversationFile(String sessionId) {
    return LogFileNames.resolveInside(sessionDir(sessionId), CONVERSATION_FILE);
  }

  @Override
  public void historyAppended(String sessionId, String agentId, HistoryEntry entry) {
    Instant now = clock.instant();
    record(() -> append(agentFile(sessionId, agentId), LogRecords.history(sessionId, agentId, entry, now)));
  }

  @Override
  public void llmRequest(String sessionId, String agentId, String turnId, LlmRequest request) {
    Instant now = clock.instant();
    record(() -> append(agentFile(sessionId, agentId),
        LogRecords.llmRequest(sessionId, agentId, turnId, request, now)));
  }

  @Override
  public void turnEnded(String sessionId, TurnEvent terminal) {
    Instant now = clock.instant();
    record(() -> append(agentFile(sessionId, terminal.agentId()), LogRecords.turnEnded(sessionId, terminal, now)));
  }

  @Override
  public void agentReset(String sessionId, String agentId) {
    Instant now = clock.instant();
    record(() -> append(agentFile(sessionId, agentId), LogRecords.agentReset(sessionId, agentId, now)));
  }

  /**
   * The agent's spec, as the engine caches it for a turn whose state does not arrive in time;
   * logged when it changes, so that a resume after a restart can restore it.
   */
  void specCached(String sessionId, String agentId, AgentSpec spec) {
    Instant now = clock.instant();
    record(() -> append(agentFile(sessionId, agentId), LogRecords.spec(sessionId, agentId, spec, now)));
  }

  /** A connection opened or resumed the session. */
  void sessionOpened(String sessionId, boolean resumed, String remote) {
    Instant now = clock.instant();
    submit(() -> append(sessionFile(sessionId),
        LogRecords.session(resumed ? "session_resumed" : "session_opened", sessionId, now).put("remote", remote)));
  }

  @Override
  public void sessionClosed(String sessionId) {
    Instant now = clock.instant();
    submit(() -> {
      append(sessionFile(sessionId), LogRecords.session("session_closed", sessionId, now));
      writeConversation(sessionId);
    });
  }

  /** Completes once everything submitted before this call is on disk. */
  CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    // Flushed here, on the writer thread: the writer would flush only once the queue runs dry.
    if (!submit(() -> {
      flushAll();
      done.complete(null);
    })) {
      done.complete(null);
    }
    return done;
  }

  /** Writes what is queued, closes every file and stops the writer thread. Blocks up to 10 s. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(() -> {
      throw new StopWriter();
    });
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Path sessionFile(String sessionId) {
    return LogFileNames.resolveInside(sessionDir(sessionId), SESSION_FILE);
  }

  /** Queues one agent record, or drops it when {@link #maxQueuedRecords} are already waiting. */
  private void record(Runnable write) {
    if (queuedRecords.incrementAndGet() > maxQueuedRecords) {
      queuedRecords.decrementAndGet();
      droppedRecords.incrementAndGet();
      if (dropping.compareAndSet(false, true)) {
        log.atWarn().addKeyValue("event", "log_records_dropped").addKeyValue("max_queued", maxQueuedRecords)
            .log("session logs are {} records behind the disk; dropping records until the writer catches up",
                maxQueuedRecords);
      }
      return;
    }
    if (!submit(() -> {
      try {
        write.run();
      } finally {
        queuedRecords.decrementAndGet();
      }
    })) {
      queuedRecords.decrementAndGet();
    }
  }

  private boolean submit(Runnable task) {
    if (closed) {
      log.warn("log store closed; record dropped");
      return false;
    }
    queue.add(task);
    return true;
  }

  private void run() {
    try {
      while (true) {
        Runnable task = queue.take();
        try {
          task.run();
        } catch (StopWriter stop) {
          break;
        } catch (RuntimeException e) {
          log.warn("session log write failed", e);
        }
        if (queue.isEmpty()) {
          flushAll();
          if (dropping.compareAndSet(true, false)) {
            log.atWarn().addKeyValue("event", "log_writer_caught_up").addKeyValue("dropped_total", droppedRecords.get())
                .log("session log writer caught up; {} records dropped since start", droppedRecords.get());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      drainOnStop();
      closeAll();
    }
  }

  private void drainOnStop() {
    Runnable task;
    while ((task = queue.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        // Late records after close are best effort.
      }
    }
  }

  private void append(Path file, ObjectNode record) {
    try {
      BufferedWriter w = writer(file);
      w.write(LogRecords.JSON.writeValueAsString(record));
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private BufferedWriter writer(Path file) throws IOException {
    BufferedWriter w = open.get(file);
    if (w == null) {
      Files.createDirectories(file.getParent());
      w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      open.put(file, w);
      if (open.size() > MAX_OPEN_FILES) {
        Iterator<Map.Entry<Path, BufferedWriter>> eldest = open.entrySet().iterator();
        closeQuietly(eldest.next().getValue());
        eldest.remove();
      }
    }
    return w;
  }

  private void writeConversation(String sessionId) {
    Path dir = sessionDir(sessionId);
    Map<String, List<JsonNode>> agents = new LinkedHashMap<>();
    try {
      // Close this session's files first: they are complete until a resume reopens them.
      open.entrySet().removeIf(e -> {
        if (e.getKey().startsWith(dir)) {
          closeQuietly(e.getValue());
          return true;
        }
        return false;
      });
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jsonl")) {
        stream.forEach(files::add);
      }
      files.sort(null);
      for (Path file : files) {
        if (file.getFileName().toString().equals(SESSION_FILE)) {
          continue;
        }
        List<JsonNode> lines = new ArrayList<>();
        String agentId = null;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (raw.isBlank()) {
            continue;
          }
          JsonNode node;
          try {
            node = LogRecords.JSON.readTree(raw);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A line a crash cut short, in a session resumed from disk: the rest still renders.
            continue;
          }
          agentId = node.path("agent_id").asText(agentId);
          lines.add(node);
        }
        agents.put(agentId == null ? file.getFileName().toString() : agentId, lines);
      }
      Files.writeString(LogFileNames.resolveInside(dir, CONVERSATION_FILE), ConversationLog.render(sessionId, agents),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void flushAll() {
    for (BufferedWriter w : open.values()) {
      try {
        w.flush();
      } catch (IOException e) {
        log.warn("session log flush failed", e);
      }
    }
  }

  private void closeAll() {
    open.values().forEach(FileLogStore::closeQuietly);
    open.clear();
  }

  private static void closeQuietly(BufferedWriter w) {
    try {
      w.close();
    } catch (IOException e) {
      log.warn("session log close failed", e);
    }
  }

  /** Tells the writer thread to stop after what is queued before it. */
  private static final class StopWriter extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopWriter() {
      super(null, null, false, false);
    }
  }
}
