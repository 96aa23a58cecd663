package dev.gameagent.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every message the server sends on one connection, in the order {@link #send} and {@link #close}
 * are called.
 *
 * <p>Ordering: each call, from any thread, the event loop's own included, becomes one task on the
 * channel's event loop; the loop runs tasks in submission order, so messages reach the socket in
 * call order. (A direct write from the event loop would overtake tasks other threads had already
 * queued, which is why there is none.)
 *
 * <p>A message may wait for a barrier ({@link #sendAfter}): it and every message sent or closed after
 * it then wait with it, so call order still holds. Nothing blocks: what waits is chained on the
 * barrier and handed to the event loop by whichever thread completes it.
 *
 * <p>Bounds: {@link #queuedBytes()} counts what was handed over and is not yet on the socket (a
 * message stops counting once written, once its write fails, or once the event loop, shutting down,
 * refuses it); past the hard cap the connection is closed with 1008 rather than letting a slow client
 * hold memory.
 */
final class Outbound {
  private static final Logger log = LoggerFactory.getLogger(Outbound.class);
  /** How long a close frame and the client's answer may take before the socket is closed anyway. */
  private static final long CLOSE_GRACE_MS = 1000;

  private final Channel channel;
  private final long maxQueuedBytes;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  /** Completes once every message sent so far is handed to the event loop. Guarded by {@code this}. */
  private CompletableFuture<?> handedOver = CompletableFuture.completedFuture(null);

  Outbound(Channel channel, long maxQueuedBytes) {
    this.channel = channel;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  Channel channel() {
    return channel;
  }

  long queuedBytes() {
    return queued.get();
  }

  /** Queues one text message (UTF-8 JSON); takes ownership of {@code json}. */
  void send(ByteBuf json) {
    sendAfter(null, json);
  }

  /**
   * As {@link #send}, but the message, and everything sent after it, is handed to the event loop
   * only once {@code barrier} completes (normally or not); null for no barrier.
   */
  void sendAfter(CompletionStage<?> barrier, ByteBuf json) {
    if (closing.get()) {
      json.release();
      return;
    }
    int size = json.readableBytes();
    if (queued.addAndGet(size) > maxQueuedBytes) {
      queued.addAndGet(-size);
      json.release();
      log.atWarn().addKeyValue("remote", channel.remoteAddress()).addKeyValue("queued_bytes", queued.get())
          .log("client too slow: queued bytes over the limit, closing");
      close(1008, "too much queued: client too slow");
      return;
    }
    inOrder(barrier, () -> execute(() -> channel.writeAndFlush(new TextWebSocketFrame(json))
        .addListener(f -> queued.addAndGet(-size)), json, size));
  }

  /** Runs {@code handOver} after every earlier hand-over and after {@code barrier}; at once when nothing waits. */
  private synchronized void inOrder(CompletionStage<?> barrier, Runnable handOver) {
    if (barrier == null && handedOver.isDone()) {
      handOver.run();
      return;
    }
    CompletableFuture<?> gate = barrier == null ? handedOver
        : CompletableFuture.allOf(handedOver, barrier.toCompletableFuture());
    handedOver = gate.handle((ignored, failure) -> {
      handOver.run();
      return null;
    });
  }

  /**
   * Queues a close frame after everything sent so far; the first call wins. Messages sent after it
   * are dropped. The socket is closed when the client answers with its close frame (Netty's protocol
   * handler does that), or after a grace period (always, when closing over a bad frame: what the
   * client sends after it, its close frame too, is then dropped unread). Not at once: a client still sending would have its
   * messages arrive at a closed socket, whose reset can destroy the close frame, and its code, before
   * the client has read it.
   */
  void close(int code, String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    inOrder(null, () -> execute(() -> {
      if (!channel.isActive()) {
        return;
      }
      channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
      channel.eventLoop().schedule(() -> {
        channel.close();
      }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }, null, 0));
  }

  boolean isClosing() {
    return closing.get();
  }

  /** Whether a message waits for its barrier, and so everything sent after it waits too. */
  synchronized boolean isHolding() {
    return !handedOver.isDone();
  }

  /**
   * Hands {@code task} to the event loop. When the loop takes no more tasks, the message {@code
   * owned} (null for none) that the task would have written is released and its {@code size} no
   * longer counted.
   */
  private void execute(Runnable task, ByteBuf owned, int size) {
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      // The event loop is shutting down: nothing can be sent any more.
      if (owned != null) {
        owned.release();
        queued.addAndGet(-size);
      }
    }
  }
}
