package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What is queued for a client that does not read is bounded: it is closed, not buffered forever. */
class SlowClientTest extends EndToEndTest {

  @Test
  void clientThatStopsReadingIsClosedAfterTheUnwritableTimeout() throws Exception {
    start(new SilentLlm(), b -> b.unwritableTimeout(Duration.ofMillis(300))
        .maxQueuedBytes(1L << 30));
    floodWithoutReading();
  }

  @Test
  void clientWithTooMuchQueuedIsClosed() throws Exception {
    start(new SilentLlm(), b -> b.unwritableTimeout(Duration.ofHours(1))
        .maxQueuedBytes(256 * 1024));
    floodWithoutReading();
  }

  /** Sends pings whose pongs (60 KB each) the client never reads, until the server gives up on it. */
  private void floodWithoutReading() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port(), "/ws")) {
      await().atMost(Duration.ofSeconds(20)).until(() -> openSessions() == 1);
      String ping = "{\"type\":\"ping\",\"id\":\"" + "p".repeat(60_000) + "\"}";
      try {
        for (int i = 0; i < 2000 && openSessions() == 1; i++) {
          raw.sendText(ping);
        }
      } catch (java.io.IOException closedByServer) {
        // The server closed the connection while we were still writing: what we want.
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> openSessions() == 0);
    }
  }

  private int openSessions() throws Exception {
    return WsClient.JSON.readTree(server.get("/health").body()).path("open_sessions").asInt();
  }

  @Test
  void outboundKeepsCallOrderAndClosesWith1008PastTheCap() {
    EmbeddedChannel channel = new EmbeddedChannel();
    Outbound out = new Outbound(channel, 65_536);
    for (int i = 0; i < 5; i++) {
      out.send(Unpooled.copiedBuffer("{\"n\":" + i + "}", StandardCharsets.UTF_8));
    }
    channel.runPendingTasks();
    for (int i = 0; i < 5; i++) {
      TextWebSocketFrame frame = channel.readOutbound();
      assertThat(frame.text()).isEqualTo("{\"n\":" + i + "}");
      frame.release();
    }
    assertThat(out.queuedBytes()).isZero();

    // Until the event loop has written them, queued messages count; past the cap the connection closes with 1008.
    byte[] big = new byte[40_000];
    out.send(Unpooled.wrappedBuffer(big));
    out.send(Unpooled.wrappedBuffer(big));
    assertThat(out.isClosing()).isTrue();
    out.send(Unpooled.copiedBuffer("{\"after\":true}", StandardCharsets.UTF_8));
    channel.runPendingTasks();
    TextWebSocketFrame first = channel.readOutbound();
    assertThat(first.content().readableBytes()).isEqualTo(40_000);
    first.release();
    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1008);
    close.release();
    Object leftover = channel.readOutbound();
    assertThat(leftover).isNull();
    // The socket waits for the client's close frame (none comes here), at most the grace period.
    assertThat(channel.isOpen()).isTrue();
    channel.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }
}
