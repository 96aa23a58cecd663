package dev.gameagent.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection: after the handshake it binds a {@link Connection}, then hands
 * it each whole message (fragments already joined). Text must be strict UTF-8; binary frames are
 * answered with {@code unsupported_frame}. It also keeps the connection alive (a ping every ping
 * interval, whatever else is being written, so that a client that only listens still answers with
 * pongs; close when nothing was read for the idle timeout), closes a connection that has not completed its
 * WebSocket handshake within the handshake timeout of connecting (Netty's own timeout only starts
 * once the whole upgrade request has arrived), a message over the size limit with 1009, a frame that
 * breaks the WebSocket protocol with 1002 (see {@link ClientFault}) and a client that stays
 * unwritable too long. Runs on the event loop; one instance per channel.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(WebSocketFrameHandler.class);

  private final ServerContext server;
  private final ConnectionGroup connections;
  private final InboundDiscard discard;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private Connection connection;
  private ScheduledFuture<?> unwritableTimer;
  private ScheduledFuture<?> handshakeDeadline;
  private ScheduledFuture<?> pings;
  /** Frames that arrived while the session was being restored from its logs; null otherwise. */
  private List<WebSocketFrame> held;

  WebSocketFrameHandler(ServerContext server, ConnectionGroup connections, InboundDiscard discard) {
    this.server = server;
    this.connections = connections;
    this.discard = discard;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    long limit = server.config().handshakeTimeout().toMillis();
    handshakeDeadline = ctx.executor().schedule(() -> {
      if (connection == null && ctx.channel().isActive()) {
        log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).addKeyValue("event", "handshake_timeout")
            .log("no WebSocket handshake within {} ms of connecting; closing", limit);
        ctx.close();
      }
    }, limit, TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
      handshakeDeadline.cancel(false);
      connection = new Connection(server, ctx.channel());
      if (!connections.add(connection)) {
        connection.outbound().close(1001, "server shutting down");
        return;
      }
      long interval = server.config().pingInterval().toMillis();
      pings = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), interval, interval, TimeUnit.MILLISECONDS);
      open(ctx, HttpRequestHandler.sessionIdOf(handshake.requestUri()));
    } else if (evt instanceof ClientFault fault) {
      close(ctx, fault);
    } else if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.READER_IDLE) {
        log.atInfo().addKeyValue("session", connection == null ? null : connection.sessionId())
            .addKeyValue("remote", ctx.channel().remoteAddress()).addKeyValue("event", "idle_timeout")
            .log("no traffic for {} ms; closing", server.config().idleTimeout().toMillis());
        if (connection != null) {
          connection.outbound().close(1001, "idle timeout");
        } else {
          ctx.close();
        }
      }
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  /**
   * Pings on a fixed schedule rather than when nothing was written: a server streaming a long turn
   * would otherwise never ping, the client would owe no pong, and the idle timeout would close a
   * connection that is alive but has nothing to say.
   */
  private void ping(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && !connection.outbound().isClosing()) {
      // A control frame between whole messages: it cannot split a turn's messages.
      ctx.writeAndFlush(new PingWebSocketFrame());
    }
  }

  /**
   * Opens the connection's session. A requested id the server does not hold may be a session of an
   * earlier run: its logs are read on the context's restore thread (file I/O, never on the event
   * loop) while reading from the socket is paused and frames already decoded are held, then the
   * session opens back on the event loop, restored or fresh, before any held message is handled.
   */
  private void open(ChannelHandlerContext ctx, String requestedId) {
    if (requestedId == null || server.sessions().contains(requestedId)) {
      connection.open(requestedId);
      return;
    }
    Connection opening = connection;
    ctx.channel().config().setAutoRead(false);
    held = new ArrayList<>();
    server.readStoredSession(requestedId).whenComplete((restored, error) -> {
      if (error != null) {
        log.atWarn().addKeyValue("event", "session_restore_failed").setCause(error)
            .log("could not read a stored session's logs; opening it fresh");
      }
      try {
        ctx.executor().execute(() -> opened(ctx, opening, requestedId, error == null ? restored : null));
      } catch (RejectedExecutionException e) {
        // The event loop is shutting down: the channel is closing with it.
      }
    });
  }

  private void opened(ChannelHandlerContext ctx, Connection opening, String requestedId,
      SessionLogReader.Restored restored) {
    List<WebSocketFrame> frames = held;
    held = null;
    if (!ctx.channel().isActive()) {
      frames.forEach(WebSocketFrame::release);
      return;
    }
    opening.open(requestedId, restored);
    for (WebSocketFrame frame : frames) {
      try {
        channelRead0(ctx, frame);
      } finally {
        frame.release();
      }
    }
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (connection == null) {
      return;
    }
    if (held != null) {
      held.add(frame.retain());
      return;
    }
    if (frame instanceof TextWebSocketFrame) {
      String text;
      try {
        text = decodeUtf8(frame.content());
      } catch (CharacterCodingException e) {
        connection.onInvalidUtf8();
        return;
      }
      connection.onText(text);
    } else if (frame instanceof BinaryWebSocketFrame) {
      connection.onUnsupportedFrame("binary");
    } else if (!(frame instanceof CloseWebSocketFrame)) {
      connection.onUnsupportedFrame(frame.getClass().getSimpleName());
    }
  }

  private String decodeUtf8(ByteBuf content) throws CharacterCodingException {
    ByteBuffer bytes = content.nioBufferCount() == 1
        ? content.nioBuffer() : ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(content));
    CharBuffer chars = utf8.reset().decode(bytes);
    return chars.toString();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      if (unwritableTimer == null) {
        long limit = server.config().unwritableTimeout().toMillis();
        unwritableTimer = ctx.executor().schedule(() -> {
          unwritableTimer = null;
          if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
            log.atWarn().addKeyValue("session", connection == null ? null : connection.sessionId())
                .addKeyValue("event", "slow_client").log("client not reading for {} ms; closing", limit);
            // The close frame could not get through a full buffer: close the socket.
            ctx.close();
          }
        }, limit, TimeUnit.MILLISECONDS);
      }
    } else if (unwritableTimer != null) {
      unwritableTimer.cancel(false);
      unwritableTimer = null;
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (unwritableTimer != null) {
      unwritableTimer.cancel(false);
    }
    if (handshakeDeadline != null) {
      handshakeDeadline.cancel(false);
    }
    if (pings != null) {
      pings.cancel(false);
    }
    if (connection != null) {
      connections.remove(connection);
      connection.closed();
    }
    if (held != null) {
      held.forEach(WebSocketFrame::release);
      held.clear();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A message joined from fragments over the limit is reported here, by the frame aggregator.
    ClientFault fault = ClientFault.of(cause, server.config().maxMessageBytes());
    if (fault != null) {
      close(ctx, fault);
    } else if (cause instanceof IOException) {
      log.atDebug().addKeyValue("remote", ctx.channel().remoteAddress()).log("connection error: {}", cause.toString());
      ctx.close();
    } else {
      log.atWarn().addKeyValue("session", connection == null ? null : connection.sessionId()).setCause(cause)
          .log("unexpected error on a connection; closing");
      ctx.close();
    }
  }

  /**
   * Closes for a bad frame with its code, through {@link Outbound#close}: the socket stays open, and
   * what the client still sends is read and dropped unparsed, until the client closes its end or the
   * grace period ends, so that a client still writing its message does not meet a closed socket. The
   * client's fault, not the server's: no stack trace.
   */
  private void close(ChannelHandlerContext ctx, ClientFault fault) {
    discard.start();
    if (connection == null) {
      ctx.close();
      return;
    }
    if (connection.outbound().isClosing()) {
      return;
    }
    boolean tooBig = fault.tooBig();
    log.atInfo().addKeyValue("session", connection.sessionId()).addKeyValue("remote", ctx.channel().remoteAddress())
        .addKeyValue("event", tooBig ? "message_too_big" : "protocol_violation")
        .log(tooBig ? "{}; closing with {}" : "WebSocket protocol violation; closing: {} ({})", fault.reason(),
            fault.code());
    connection.outbound().close(fault.code(), fault.reason());
  }
}
