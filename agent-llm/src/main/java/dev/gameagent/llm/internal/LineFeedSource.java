package dev.gameagent.llm.internal;

import java.io.IOException;
import okhttp3.Call;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;

/**
 * An event-stream body with every line end (CRLF, LF or a bare CR, all legal in SSE) turned into
 * LF, for OkHttp's SSE reader, which mishandles the bare CR.
 *
 * <p>Why: okhttp-sse 5.5.1's {@code ServerSentEventReader} picks the line end with
 * {@code BufferedSource.select}, which cannot tell a lone {@code \r} from the start of {@code \r\n}
 * until one more byte arrives. When the body ends on a CR (every CR-only stream does: its last
 * blank line is one), {@code select} returns "no match" at end of stream, the reader's fallback
 * skips the zero bytes before that CR and selects again, and loops forever without reading,
 * without checking for cancellation and without dispatching the last event. It also reads
 * {@code event:}, {@code id:} and {@code retry:} values up to an LF only, swallowing a CR-only
 * stream. With LF alone neither happens.
 *
 * <p>The translation never holds a byte back: a CR is written as LF at once, and an LF that
 * follows it (in this read or the next) is dropped, so a CRLF split between reads gives one line
 * end, not a blank line that would dispatch an event early. Reads fail once the call is cancelled,
 * so a reader stuck re-reading the end of the stream still stops. Not thread-safe, like any source.
 */
final class LineFeedSource extends ForwardingSource {
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final Call call;
  private final Buffer raw = new Buffer();
  /** The last byte read was a CR, already written as LF. */
  private boolean afterCr;

  LineFeedSource(Source delegate, Call call) {
    super(delegate);
    this.call = call;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    while (true) {
      if (call.isCanceled()) {
        throw new IOException("Canceled");
      }
      long read = super.read(raw, byteCount);
      if (read == -1) {
        return -1;
      }
      long written = translate(sink);
      if (written > 0 || read == 0) {
        return written;
      }
      // The read held only the LF of a CRLF split after its CR: read on.
    }
  }

  /** Moves all of {@link #raw} to {@code sink} with LF line ends; returns the bytes written. */
  private long translate(Buffer sink) throws IOException {
    if (raw.exhausted()) {
      return 0;
    }
    if (afterCr && raw.getByte(0) == LF) {
      raw.skip(1);
    }
    afterCr = false;
    long written = 0;
    while (!raw.exhausted()) {
      long cr = raw.indexOf(CR);
      if (cr == -1) {
        written += raw.size();
        sink.write(raw, raw.size());
        break;
      }
      sink.write(raw, cr);
      raw.skip(1);
      sink.writeByte(LF);
      written += cr + 1;
      if (raw.exhausted()) {
        afterCr = true;
      } else if (raw.getByte(0) == LF) {
        raw.skip(1);
      }
    }
    return written;
  }
}
