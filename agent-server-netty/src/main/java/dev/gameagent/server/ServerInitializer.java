package dev.gameagent.server;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds each connection's pipeline and nothing else:
 * idle timers -> {@link InboundDiscard} -> HTTP codec -> aggregator -> {@link HttpRequestHandler} (health, 404, auth)
 * -> [permessage-deflate] -> {@link ClientFaultCatcher} -> WebSocket protocol handler ({@code /ws})
 * -> frame aggregator -> {@link WebSocketFrameHandler}.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {
  /** Handshake requests are small; anything bigger is not one. */
  private static final int MAX_HTTP_REQUEST_BYTES = 64 * 1024;

  private final ServerContext server;
  private final ConnectionGroup connections;
  private final TokenCheck tokenCheck;
  private final WebSocketServerProtocolConfig webSocketConfig;
  private final ClientFaultCatcher faultCatcher;

  ServerInitializer(ServerContext server, ConnectionGroup connections) {
    this.server = server;
    this.connections = connections;
    ServerConfig config = server.config();
    this.tokenCheck = new TokenCheck(config.token());
    this.webSocketConfig = WebSocketServerProtocolConfig.newBuilder()
        .websocketPath(HttpRequestHandler.WEBSOCKET_PATH)
        .checkStartsWith(true)
        .handshakeTimeoutMillis(config.handshakeTimeout().toMillis())
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(config.maxMessageBytes())
            .allowExtensions(config.compression())
            .withUTF8Validator(false)
            // The server closes for a bad frame itself (ClientFaultCatcher), reading on until the
            // close handshake is done, rather than closing the socket under a client still writing.
            .closeOnProtocolViolation(false)
            .build())
        .build();
    this.faultCatcher = new ClientFaultCatcher(config.maxMessageBytes());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ServerConfig config = server.config();
    ChannelPipeline p = ch.pipeline();
    p.addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    // Reader idle only: the pings are on a fixed schedule (see WebSocketFrameHandler).
    p.addLast(new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    InboundDiscard discard = new InboundDiscard();
    p.addLast(discard);
    p.addLast(new HttpServerCodec());
    p.addLast(new HttpObjectAggregator(MAX_HTTP_REQUEST_BYTES));
    p.addLast(new HttpRequestHandler(tokenCheck, server::healthJson));
    if (config.compression()) {
      p.addLast(new WebSocketServerCompressionHandler(config.maxMessageBytes()));
    }
    p.addLast(faultCatcher);
    p.addLast(new WebSocketServerProtocolHandler(webSocketConfig));
    p.addLast(new WebSocketFrameAggregator(config.maxMessageBytes()));
    p.addLast(new WebSocketFrameHandler(server, connections, discard));
  }
}
