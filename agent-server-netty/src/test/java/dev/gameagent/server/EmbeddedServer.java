package dev.gameagent.server;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.protocol.ProtocolCodec;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A server's context without its sockets, for {@link Connection}s on embedded channels: a test then
 * decides the order of every step. Its model never answers. Closes what it made.
 */
final class EmbeddedServer implements AutoCloseable {
  final ServerContext context;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  EmbeddedServer(Path logs) {
    ServerConfig config = ServerConfig.newBuilder().logsDir(logs).build();
    FileLogStore logStore = new FileLogStore(logs, Clock.systemUTC());
    AgentEngine engine = AgentEngine.builder().llmClient(new SilentLlm()).logStore(logStore).build();
    closeables.add(logStore::close);
    closeables.add(engine::close);
    context = new ServerContext(config, ProtocolCodec.newBuilder().build(), engine, logStore, Clock.systemUTC());
  }

  /** A channel released when this closes. */
  EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    closeables.add(channel::finishAndReleaseAll);
    return channel;
  }

  /** Runs the channel's pending writes and returns the text messages written, in order. */
  static List<String> written(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<String> sent = new ArrayList<>();
    for (TextWebSocketFrame f = channel.readOutbound(); f != null; f = channel.readOutbound()) {
      sent.add(f.text());
      f.release();
    }
    return sent;
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }
}
