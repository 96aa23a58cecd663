package dev.gameagent.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The plain HTTP side: {@code GET /health}, 404 for every path but {@code /ws}, and the checks an
 * upgrade to {@code /ws} must pass before the WebSocket handler sees it (the token, a valid
 * {@code session_id}). Sits before the WebSocket protocol handler; frames pass through untouched.
 * Runs on the event loop; {@code health} must not block.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String WEBSOCKET_PATH = "/ws";

  private final TokenCheck tokenCheck;
  private final Supplier<String> health;

  HttpRequestHandler(TokenCheck tokenCheck, Supplier<String> health) {
    this.tokenCheck = tokenCheck;
    this.health = health;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "bad request\n", "text/plain; charset=utf-8");
      return;
    }
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    switch (query.path()) {
      case "/health" -> {
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
          respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n", "text/plain; charset=utf-8");
        } else {
          respond(ctx, request, HttpResponseStatus.OK, health.get(), "application/json");
        }
      }
      case WEBSOCKET_PATH -> upgrade(ctx, request, query);
      default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain; charset=utf-8");
    }
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
    if (!tokenCheck.allows(request, query)) {
      respond(ctx, request, HttpResponseStatus.UNAUTHORIZED, "missing or wrong token\n", "text/plain; charset=utf-8");
      return;
    }
    List<String> sessionIds = query.parameters().get("session_id");
    if (sessionIds != null && !Ids.valid(sessionIds.get(0))) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST,
          "session_id must be 1 to 128 characters without control characters\n", "text/plain; charset=utf-8");
      return;
    }
    ctx.fireChannelRead(request.retain());
  }

  /** The requested {@code session_id} of an accepted upgrade URI, or null. */
  static String sessionIdOf(String uri) {
    List<String> ids = new QueryStringDecoder(uri).parameters().get("session_id");
    return ids == null || ids.isEmpty() ? null : ids.get(0);
  }

  private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
      String body, String contentType) {
    ByteBuf content = request.method() == HttpMethod.HEAD
        ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status, content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    HttpUtil.setContentLength(response, body.getBytes(StandardCharsets.UTF_8).length);
    boolean keepAlive = HttpUtil.isKeepAlive(request) && status.code() < 400;
    if (keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
