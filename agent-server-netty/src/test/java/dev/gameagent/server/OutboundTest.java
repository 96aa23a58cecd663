package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final Outbound out = new Outbound(channel, 1 << 20);

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void aMessageWaitingForItsBarrierHoldsBackEverythingSentAfterIt() {
    CompletableFuture<Void> recordsWritten = new CompletableFuture<>();
    out.send(text("started"));
    out.sendAfter(recordsWritten, text("finished"));
    out.send(text("next get_agent_state"));
    out.close(1000, "bye");
    channel.runPendingTasks();
    assertThat(written()).containsExactly("started");
    assertThat(out.isHolding()).isTrue();

    recordsWritten.complete(null);
    channel.runPendingTasks();
    assertThat(written()).containsExactly("finished", "next get_agent_state", "close 1000");
    assertThat(out.isHolding()).isFalse();
  }

  @Test
  void aFailedBarrierStillLetsTheMessageThrough() {
    CompletableFuture<Void> barrier = new CompletableFuture<>();
    out.sendAfter(barrier, text("finished"));
    barrier.completeExceptionally(new IllegalStateException("writer gone"));
    out.send(text("after"));
    channel.runPendingTasks();
    assertThat(written()).containsExactly("finished", "after");
    assertThat(out.queuedBytes()).isZero();
  }

  @Test
  void aMessageTheShutDownEventLoopRefusesIsReleasedAndNoLongerCounted() {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    LocalChannel local = new LocalChannel();
    group.register(local).syncUninterruptibly();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    Outbound onShutDownLoop = new Outbound(local, 1 << 20);
    ByteBuf message = text("too late");

    onShutDownLoop.send(message);

    assertThat(onShutDownLoop.queuedBytes()).isZero();
    assertThat(message.refCnt()).isZero();
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  /** What reached the channel since the last call, as text, or {@code close CODE}. */
  private List<String> written() {
    return EmbeddedServer.written(channel);
  }
}
