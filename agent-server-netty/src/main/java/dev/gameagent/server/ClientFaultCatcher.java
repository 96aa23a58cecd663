package dev.gameagent.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits between the frame decoders (WebSocket, permessage-deflate) and Netty's WebSocket protocol
 * handler, and turns a bad frame's exception into a {@link ClientFault} event for
 * {@link WebSocketFrameHandler}. Passed on as an exception instead, it would make the protocol
 * handler close the socket at once: the rest of a client's message still on its way would then meet
 * a closed socket, whose reset can reach the client before the close frame and its code.
 */
@ChannelHandler.Sharable
final class ClientFaultCatcher extends ChannelInboundHandlerAdapter {
  private final int maxMessageBytes;

  ClientFaultCatcher(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ClientFault fault = ClientFault.of(cause, maxMessageBytes);
    if (fault != null) {
      ctx.fireUserEventTriggered(fault);
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }
}
