package dev.gameagent.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * First to see what a client sends; once {@link #start() started}, drops it unread. For a connection
 * being closed over a bad frame: what the client still sends is of no use, but must still be read
 * until the socket is closed, since a socket closed with unread bytes, or that bytes reach after it
 * closed, is reset, and a reset can reach the client before the close frame and its code. Dropping
 * whole buffers costs next to nothing, where decoding them (a broken frame's decoder discards a byte
 * at a time) would not. Event loop only; one instance per channel.
 */
final class InboundDiscard extends ChannelInboundHandlerAdapter {
  private boolean discarding;

  void start() {
    discarding = true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding) {
      ReferenceCountUtil.release(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
