package dev.gameagent.server;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * A frame from the client that ends its connection, and the close code and reason the server closes
 * it with: 1009 for a message over the size limit (as sent, as joined from fragments, or once
 * inflated), otherwise the code Netty's frame decoder names (1002 for a broken frame: unmasked,
 * reserved bits, bad opcode), or 1002 for a compressed message that does not inflate.
 */
record ClientFault(int code, String reason) {
  /** A close reason fits a control frame's 125 bytes with the code; Netty's reasons are ASCII. */
  private static final int MAX_REASON_CHARS = 120;

  /** The fault {@code cause} reports, or null when it is not the client's frame that is at fault. */
  static ClientFault of(Throwable cause, int maxMessageBytes) {
    if (overLimit(cause)) {
      return new ClientFault(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message over " + maxMessageBytes + " bytes");
    }
    if (!(cause instanceof DecoderException)) {
      return null;
    }
    int code = cause instanceof CorruptedWebSocketFrameException corrupted
        ? corrupted.closeStatus().code() : WebSocketCloseStatus.PROTOCOL_ERROR.code();
    return new ClientFault(code, reason(cause));
  }

  /** Whether the message was over the size limit (1009), rather than a broken frame. */
  boolean tooBig() {
    return code == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
  }

  /**
   * Too long as sent or as joined ({@link TooLongFrameException} from the aggregator), as announced
   * (the decoder's 1009) or once inflated (the inflater stops at the limit with its own exception).
   */
  private static boolean overLimit(Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      return true;
    }
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      return corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG);
    }
    String message = cause.getMessage();
    return cause instanceof DecompressionException && message != null && message.contains("maximum size");
  }

  /** The innermost message: the inflater's errors arrive wrapped in a {@link DecoderException}. */
  private static String reason(Throwable cause) {
    String reason = null;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        reason = t.getMessage();
      }
    }
    if (reason == null) {
      return "invalid frame";
    }
    return reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
  }
}
