package dev.gameagent.server;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.protocol.ProtocolCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game agent WebSocket server: protocol v1 on {@code ws://HOST:PORT/ws}, health on
 * {@code /health}. One game session per connection, bound to an in-process {@link AgentEngine}.
 *
 * <pre>{@code
 * try (AgentServer server = AgentServer.newBuilder()
 *     .config(ServerConfig.newBuilder().port(0).build())
 *     .llmClient(client)
 *     .build()
 *     .start()) {
 *   connect(server.webSocketUrl());
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} binds (blocking until bound); {@link #close()} shuts down
 * gracefully: active turns end with {@code agent_turn_interrupted} (reason {@code shutdown}),
 * connections close with 1001, the event loops stop, every session's logs (its conversation log
 * included) are complete on disk, and an LLM client the server created itself is closed. Both
 * block, so call them from an application thread, never from an event loop. Thread-safe.
 */
public final class AgentServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentServer.class);
  /** How long shutdown waits for each step: turns to end, close frames to go out. */
  private static final Duration SHUTDOWN_STEP = Duration.ofSeconds(5);

  private final ServerConfig config;
  private final LlmClient llmClient;
  private final AutoCloseable ownedLlmClient;
  private final String modelDescription;
  private final ServerContext context;
  private final FileLogStore logStore;
  private final AgentEngine engine;
  private final ThreadGroup turnThreads = new ThreadGroup("agent-turns");
  private final ExecutorService turnExecutor = newTurnExecutor(turnThreads);
  private final ConnectionGroup connections = new ConnectionGroup();
  private final ChannelGroup allChannels = new DefaultChannelGroup("game-agent", GlobalEventExecutor.INSTANCE);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel serverChannel;
  private ScheduledFuture<?> expiryTask;

  private AgentServer(Builder builder) {
    this.config = builder.config;
    this.llmClient = builder.llmClient;
    this.ownedLlmClient = builder.ownedLlmClient;
    this.modelDescription = builder.modelDescription != null ? builder.modelDescription : llmClient.name();
    this.logStore = new FileLogStore(config.logsDir(), builder.clock, builder.logBehindRecords, builder.logWriterThreads);
    this.engine = AgentEngine.builder()
        .llmClient(llmClient)
        .stateTimeout(config.stateTimeout())
        .streamIdleTimeout(config.streamIdleTimeout())
        .maxToolContinuations(config.maxToolContinuations())
        .logStore(logStore)
        // A state snapshot completes its turn's future on an event loop; prompt building and the
        // stream's start then run here, so the loop only hands the turn over.
        .stateExecutor(turnExecutor)
        .build();
    ProtocolCodec codec = ProtocolCodec.newBuilder()
        .clock(builder.clock)
        .maxMessageLength(config.maxMessageBytes())
        .maxStringLength(config.maxMessageBytes())
        .build();
    this.context = new ServerContext(config, codec, engine, logStore, builder.clock);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Binds the configured address and starts serving.
   *
   * @return this server
   * @throws UncheckedIOException when the address cannot be bound (e.g. the port is in use)
   * @throws IllegalStateException when called twice or after {@link #close()}
   */
  public AgentServer start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("start() may be called once, before close()");
    }
    bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    int high = 1024 * 1024;
    ServerInitializer initializer = new ServerInitializer(context, connections);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 4, high))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            allChannels.add(ch);
            ch.pipeline().addLast(initializer);
          }
        });
    ChannelFuture bind = bootstrap.bind(config.host(), config.port()).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      shutdownEventLoops();
      context.close();
      turnExecutor.shutdown();
      logStore.close();
      engine.close();
      Throwable cause = bind.cause();
      String message = "cannot listen on " + config.host() + ":" + config.port() + ": " + cause.getMessage();
      throw new UncheckedIOException(message, cause instanceof java.io.IOException io
          ? io : new BindException(String.valueOf(cause)));
    }
    serverChannel = bind.channel();
    long sweep = Math.max(1000, Math.min(60_000, config.sessionRetention().toMillis() / 2));
    expiryTask = bossGroup.next().scheduleAtFixedRate(() -> {
      int dropped = context.sessions().expire(System.nanoTime(), config.sessionRetention().toNanos());
      if (dropped > 0) {
        log.atInfo().addKeyValue("event", "sessions_expired").addKeyValue("count", dropped)
            .log("dropped sessions past their retention");
      }
    }, sweep, sweep, TimeUnit.MILLISECONDS);
    log.atInfo().addKeyValue("event", "listening").addKeyValue("url", webSocketUrl())
        .addKeyValue("model", modelDescription).log("listening");
    log.atDebug().log("configuration: {}", config);
    return this;
  }

  /** The bound port (the chosen one when the config said 0). */
  public int port() {
    return address().getPort();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    if (serverChannel == null) {
      throw new IllegalStateException("not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** {@code ws://host:port/ws}, for the startup line and clients. */
  public String webSocketUrl() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return "ws://" + host + ":" + port() + HttpRequestHandler.WEBSOCKET_PATH;
  }

  /** What serves the turns, e.g. "offline default model" or "openai gpt-4o-mini at https://...". */
  public String modelDescription() {
    return modelDescription;
  }

  public ServerConfig config() {
    return config;
  }

  /** The sessions, connections and log store this server runs on. */
  ServerContext context() {
    return context;
  }

  /** Turns waiting for state or streaming, over every session. */
  public int activeTurnCount() {
    return engine.activeTurnCount();
  }

  /** Shuts down gracefully; see the class comment. Idempotent; blocks up to about 20 s. */
  @Override
  public void close() {
    // Checked first, so that a refused call leaves the server open for a call from the right thread.
    if (inEventLoop(workerGroup) || inEventLoop(bossGroup) || Thread.currentThread().getThreadGroup() == turnThreads) {
      throw new IllegalStateException(
          "close() blocks; call it from an application thread, not an event loop or a turn thread");
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.atInfo().addKeyValue("event", "shutdown").log("shutting down");
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly(SHUTDOWN_STEP.toMillis());
      expiryTask.cancel(false);
    }
    List<Connection> open = connections.close();
    CompletableFuture<?>[] terminalMessages = new CompletableFuture<?>[open.size()];
    for (int i = 0; i < open.size(); i++) {
      terminalMessages[i] = open.get(i).shutdownTurns().toCompletableFuture();
    }
    // The close frames go after the shutdown's terminal messages, which may still be on their way.
    long turnsDeadline = System.nanoTime() + SHUTDOWN_STEP.toNanos();
    awaitTerminalMessages(CompletableFuture.allOf(terminalMessages), turnsDeadline);
    awaitNoActiveTurns(turnsDeadline);
    long deadline = System.nanoTime() + SHUTDOWN_STEP.toNanos();
    for (Connection c : open) {
      c.outbound().close(1001, "server shutting down");
    }
    for (Connection c : open) {
      long left = Math.max(0, deadline - System.nanoTime());
      c.outbound().channel().closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left));
    }
    // What is left is plain HTTP (health probes, keep-alive) and handshakes in flight.
    allChannels.close().awaitUninterruptibly(SHUTDOWN_STEP.toMillis());
    // A closed channel's inactive handlers (which detach its session and have the conversation log
    // written) run as event-loop tasks after its close future completes; a terminated loop has run
    // them all, so only then is the log store closed.
    shutdownEventLoops();
    context.close();
    engine.close();
    turnExecutor.shutdown();
    logStore.close();
    if (ownedLlmClient != null) {
      try {
        ownedLlmClient.close();
      } catch (Exception e) {
        log.warn("closing the LLM client failed", e);
      }
    }
    log.atInfo().addKeyValue("event", "stopped").log("stopped");
  }

  private static ExecutorService newTurnExecutor(ThreadGroup group) {
    AtomicInteger count = new AtomicInteger();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(group, r, "agent-turn-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static boolean inEventLoop(EventLoopGroup group) {
    if (group == null) {
      return false;
    }
    for (EventExecutor loop : group) {
      if (loop.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  private static void awaitTerminalMessages(CompletableFuture<?> sent, long deadline) {
    if (sent.isDone()) {
      return;
    }
    // Another thread (a stream callback, a turn thread) is delivering some turn's events.
    log.atInfo().addKeyValue("event", "shutdown_awaiting_terminal_messages")
        .log("waiting for the terminal messages of turns the shutdown ended");
    try {
      sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("terminal messages of turns the shutdown ended are not all sent in time; closing anyway");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitNoActiveTurns(long deadline) {
    while (engine.activeTurnCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void shutdownEventLoops() {
    if (bossGroup != null) {
      bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
    if (workerGroup != null) {
      workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(SHUTDOWN_STEP.toMillis());
    }
    if (bossGroup != null) {
      bossGroup.terminationFuture().awaitUninterruptibly(SHUTDOWN_STEP.toMillis());
    }
  }

  /** Configures an {@link AgentServer}. */
  public static final class Builder {
    private ServerConfig config = ServerConfig.newBuilder().build();
    private LlmClient llmClient;
    private AutoCloseable ownedLlmClient;
    private String modelDescription;
    private Clock clock = Clock.systemUTC();
    private int logBehindRecords = FileLogStore.DEFAULT_BEHIND_RECORDS;
    private java.util.concurrent.ThreadFactory logWriterThreads = FileLogStore.WRITER_THREADS;

    Builder() {}

    public Builder config(ServerConfig config) {
      this.config = Objects.requireNonNull(config, "config == null");
      return this;
    }

    /**
     * The model every turn streams from. The server does not close a client given here; without
     * one, the server creates (and closes) the client the config's LLM environment describes.
     */
    public Builder llmClient(LlmClient client) {
      this.llmClient = Objects.requireNonNull(client, "client == null");
      this.ownedLlmClient = null;
      return this;
    }

    /** What the startup line says serves the turns; default the client's name. */
    public Builder modelDescription(String description) {
      this.modelDescription = Objects.requireNonNull(description, "description == null");
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** For tests: the session log backlog at which new work is refused, and the log writer's thread. */
    Builder logWriter(int behindRecords, java.util.concurrent.ThreadFactory writerThreads) {
      this.logBehindRecords = behindRecords;
      this.logWriterThreads = Objects.requireNonNull(writerThreads, "writerThreads == null");
      return this;
    }

    public AgentServer build() {
      if (llmClient == null) {
        DefaultLlm llm = DefaultLlm.create(config.llmEnvironment());
        llmClient = llm.client();
        ownedLlmClient = llm.closeable();
        if (modelDescription == null) {
          modelDescription = llm.description();
        }
      }
      return new AgentServer(this);
    }
  }
}
