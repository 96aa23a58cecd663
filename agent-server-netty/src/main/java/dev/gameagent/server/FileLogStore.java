package dev.gameagent.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.LogStore;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.LlmRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * <p>Threading: callers (engine and event-loop threads) only enqueue, never wait; one writer thread
 * owns every file and hands each record to the operating system as it is dequeued, as one
 * {@code write} of the whole line, unbuffered: a record written survives a crash of the process
 * (not of the machine: there is no fsync), and a kill never leaves half a line, except for a
 * failed write (a full disk), after which the next line opened on that file starts on a line of its
 * own. {@link #flush()} completes once everything enqueued before it is written, which is how the
 * server holds a turn's terminal message back until the turn's records are on disk.
 *
 * <p>Nothing is dropped under load: every record waits its turn, however far the disk falls
 * behind. Past {@link #DEFAULT_BEHIND_RECORDS} records waiting, {@link #isBehind()} turns true (the
 * server then refuses new work, see {@code Connection}) and a warning with the count is logged, and
 * again when the writer has caught up. Only a record that cannot be written (an I/O error, or one
 * made after {@link #close()}) is lost: each is counted ({@link #droppedRecords()}, on
 * {@code /health}) and logged.
 */
final class FileLogStore implements LogStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileLogStore.class);
  /** A session folder's own record file; every other {@code .jsonl} file in it is one agent's. */
  static final String SESSION_FILE = "session.jsonl";
  private static final String CONVERSATION_FILE = "conversation.txt";
  private static final int MAX_OPEN_FILES = 128;
  /** Far more than a healthy disk ever lags by; small enough that queued prompts stay in the hundreds of MB. */
  static final int DEFAULT_BEHIND_RECORDS = 50_000;

  static final ThreadFactory WRITER_THREADS = task -> new Thread(task, "game-agent-log-writer");

  private final Path root;
  private final Clock clock;
  /** Records and session tasks; only records count towards {@link #behindRecords}. */
  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final int behindRecords;
  private final AtomicInteger queuedRecords = new AtomicInteger();
  private final AtomicLong droppedRecords = new AtomicLong();
  /** Set when the queue passes {@link #behindRecords}, cleared (with a log line) when the writer caught up. */
  private final AtomicBoolean behind = new AtomicBoolean();
  /** Writer thread only: the last write failed; the next success is logged. */
  private boolean failing;
  private final Thread writer;
  private volatile boolean closed;

  /** Owned by the writer thread: open files, least recently used first. */
  private final Map<Path, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, String> names = new java.util.HashMap<>();

  FileLogStore(Path root, Clock clock) {
    this(root, clock, DEFAULT_BEHIND_RECORDS, WRITER_THREADS);
  }

  /** For tests: a smaller backlog at which the store is behind, and a writer thread they control. */
  FileLogStore(Path root, Clock clock, int behindRecords, ThreadFactory writerThreads) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
    this.behindRecords = behindRecords;
    this.writer = writerThreads.newThread(this::run);
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** Records that could not be written (an I/O error, or made after {@link #close()}), since start. */
  long droppedRecords() {
    return droppedRecords.get();
  }

  /** Records enqueued and not yet written. */
  int queuedRecords() {
    return queuedRecords.get();
  }

  /**
   * Whether more than {@link #DEFAULT_BEHIND_RECORDS} records wait for the disk: new work should
   * wait until the writer catches up (it stays true until the queue is back under half that).
   */
  boolean isBehind() {
    return behind.get();
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

  /**
   * Completes, on the writer thread, once everything enqueued before this call is written to the
   * operating system (or failed and was counted); at once after {@link #close()}. Never blocks.
   */
  CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!submit(() -> done.complete(null))) {
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

  /** Queues one agent record; past {@link #behindRecords} waiting, the store is behind (logged once). */
  private void record(Runnable write) {
    int queued = queuedRecords.incrementAndGet();
    if (queued > behindRecords && behind.compareAndSet(false, true)) {
      log.atWarn().addKeyValue("event", "log_writer_behind").addKeyValue("queued_records", queued)
          .log("session logs are {} records behind the disk; new turns and notifications are refused until the"
              + " writer catches up (nothing is dropped)", queued);
    }
    if (!submit(() -> {
      try {
        write.run();
      } finally {
        caughtUp(queuedRecords.decrementAndGet());
      }
    })) {
      queuedRecords.decrementAndGet();
      droppedRecords.incrementAndGet();
    }
  }

  /** Writer thread: clears {@link #behind} once the queue is back under half the mark, so it does not flap. */
  private void caughtUp(int queued) {
    if (queued <= behindRecords / 2 && behind.get() && behind.compareAndSet(true, false)) {
      log.atWarn().addKeyValue("event", "log_writer_caught_up").addKeyValue("queued_records", queued)
          .log("session log writer caught up; {} records still queued", queued);
    }
  }

  private boolean submit(Runnable task) {
    if (closed) {
      log.atWarn().addKeyValue("event", "log_record_dropped").log("log store closed; a late record was not written");
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
          log.warn("session log task failed", e);
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

  /**
   * Writes one record as one whole line, straight to the operating system. A record that cannot be
   * written is counted and logged (the first of a run of failures, and the next success), and its
   * file is reopened for the next record.
   */
  private void append(Path file, ObjectNode record) {
    ByteBuffer line;
    try {
      byte[] json = LogRecords.JSON.writeValueAsBytes(record);
      line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      FileChannel channel = channel(file);
      while (line.hasRemaining()) {
        channel.write(line);
      }
      if (failing) {
        failing = false;
        log.atWarn().addKeyValue("event", "log_writes_recovered").addKeyValue("dropped_total", droppedRecords.get())
            .log("session log writes work again; {} records could not be written since start", droppedRecords.get());
      }
    } catch (IOException e) {
      long dropped = droppedRecords.incrementAndGet();
      closeQuietly(open.remove(file));
      if (!failing) {
        failing = true;
        log.atError().addKeyValue("event", "log_write_failed").addKeyValue("dropped_total", dropped).setCause(e)
            .log("a session log record could not be written to {}; {} records lost since start", file, dropped);
      }
    }
  }

  private FileChannel channel(Path file) throws IOException {
    FileChannel channel = open.get(file);
    if (channel == null) {
      Files.createDirectories(file.getParent());
      boolean torn = endsInsideALine(file);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      open.put(file, channel);
      if (open.size() > MAX_OPEN_FILES) {
        Iterator<Map.Entry<Path, FileChannel>> eldest = open.entrySet().iterator();
        closeQuietly(eldest.next().getValue());
        eldest.remove();
      }
      if (torn) {
        // What a failed write or an earlier crash left is a line of its own, which readers skip; the next record is whole.
        channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
      }
    }
    return channel;
  }

  /** Whether the file's last byte is not a line end: a write cut short. */
  private static boolean endsInsideALine(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      in.read(last, size - 1);
      return last.get(0) != '\n';
    }
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
      // Written beside and moved over the old one, so a crash mid-write leaves the previous log whole.
      Path conversation = LogFileNames.resolveInside(dir, CONVERSATION_FILE);
      Path next = LogFileNames.resolveInside(dir, CONVERSATION_FILE + ".new");
      Files.writeString(next, ConversationLog.render(sessionId, agents), StandardCharsets.UTF_8);
      Files.move(next, conversation, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void closeAll() {
    open.values().forEach(FileLogStore::closeQuietly);
    open.clear();
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
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
