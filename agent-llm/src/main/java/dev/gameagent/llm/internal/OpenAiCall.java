package dev.gameagent.llm.internal;

import dev.gameagent.core.llm.BadResponseException;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.LlmTimeoutException;
import dev.gameagent.core.llm.RateLimitedException;
import dev.gameagent.core.llm.Usage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming call of an {@link OpenAiClient}: a series of attempts, each an {@link EventSource},
 * of which at most one is current. A retryable failure before any token reached the handler starts
 * the next attempt on the client's timer after a backoff; once a token was delivered, a failure ends
 * the call. Events of an attempt that is no longer current (including OkHttp's report of a
 * cancelled stream) are ignored. All state changes hold {@link #lock}; see {@link GuardedCall}.
 */
final class OpenAiCall extends GuardedCall {
  private static final Logger log = LoggerFactory.getLogger(OpenAiCall.class);
  /** How long a stream may stay open after {@code [DONE]} before it is closed. */
  private static final long DONE_GRACE_MS = 2_000;
  private static final int MAX_ERROR_BODY = 16 * 1024;

  private final OpenAiClient client;
  private final Request request;
  private final String model;
  // Written under the lock; volatile so that cancel() can close them before taking it.
  private volatile EventSource source;
  private volatile Future<?> deadline;
  private volatile Future<?> idleCheck;
  private volatile Future<?> retryTimer;
  private Attempt current;
  private int retriesDone;

  OpenAiCall(OpenAiClient client, Request request, LlmStreamHandler handler, String model) {
    super(handler);
    this.client = client;
    this.request = request;
    this.model = model;
  }

  void start() {
    lock.lock();
    try {
      startAttempt();
    } finally {
      lock.unlock();
    }
  }

  @Override
  protected void closeUpstream() {
    EventSource s = source;
    if (s != null) {
      s.cancel();
    }
    releaseTimers();
  }

  private void releaseTimers() {
    Future<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
    Future<?> r = retryTimer;
    if (r != null) {
      r.cancel(false);
    }
    Future<?> i = idleCheck;
    if (i != null) {
      i.cancel(false);
    }
    client.active.remove(this);
  }

  /** Holds the lock. */
  private void startAttempt() {
    if (!isOpen()) {
      return;
    }
    Attempt attempt = new Attempt();
    current = attempt;
    try {
      Duration firstToken = client.config.firstTokenTimeout();
      if (!firstToken.isZero()) {
        deadline = client.timer.schedule(() -> onDeadline(attempt), firstToken.toMillis(), TimeUnit.MILLISECONDS);
      }
      source = client.events.newEventSource(request, attempt);
    } catch (RejectedExecutionException e) {
      deliverError(new LlmException("the openai client is closed", 0, false, e));
    }
  }

  private void onDeadline(Attempt attempt) {
    lock.lock();
    try {
      if (attempt != current || attempt.over || attempt.sawToken || !isOpen()) {
        return;
      }
      fail(attempt, new LlmTimeoutException("no first token from the provider within "
          + client.config.firstTokenTimeout().toMillis() + " ms"), null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks that {@code attempt} delivered an event within the idle timeout, the way the socket read
   * timeout checks for bytes. It also catches a reader that stopped reading (as okhttp-sse did on a
   * stream ending in a bare CR, see {@link LineFeedSource}) and a stream of keep-alive comments
   * alone. Never waits for the lock: a callback in progress means the stream is moving.
   */
  private void onIdleCheck(Attempt attempt) {
    if (!lock.tryLock()) {
      watchIdle(attempt, client.config.idleTimeout().toNanos());
      return;
    }
    try {
      if (attempt.stale()) {
        return;
      }
      long idle = client.config.idleTimeout().toNanos();
      long quiet = System.nanoTime() - attempt.lastEvent;
      if (quiet < idle) {
        watchIdle(attempt, idle - quiet);
        return;
      }
      fail(attempt, client.errors.silentFor(client.config.idleTimeout(), null), null);
    } finally {
      lock.unlock();
    }
  }

  private void watchIdle(Attempt attempt, long nanos) {
    try {
      idleCheck = client.timer.schedule(() -> onIdleCheck(attempt), nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // The timer shut down with the client; the stream ends with it.
    }
  }

  /** Ends {@code attempt} with {@code error}: retries when allowed, else reports. Holds the lock. */
  private void fail(Attempt attempt, LlmException error, Duration retryAfter) {
    attempt.over = true;
    closeUpstream();
    if (!anyDelivered() && error.retryable() && !client.isClosed()) {
      Duration asked = retryAfter;
      if (asked == null && error instanceof RateLimitedException limited) {
        asked = limited.retryAfter();
      }
      Duration delay = client.retries.delayBefore(retriesDone, asked);
      if (delay != null) {
        retriesDone++;
        log.info("LLM call to model {} failed before its first token ({}); retry {} of {} in {} ms",
            model, error.getMessage(), retriesDone, client.config.maxRetries(), delay.toMillis());
        try {
          client.active.add(this);
          retryTimer = client.timer.schedule(this::retry, delay.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (RejectedExecutionException closed) {
          // The client closed meanwhile: report the failure itself.
        }
      }
    }
    log.debug("LLM call to model {} failed: {}", model, error.getMessage());
    deliverError(error);
  }

  private void retry() {
    lock.lock();
    try {
      startAttempt();
    } finally {
      lock.unlock();
    }
  }

  /** Holds the lock. */
  private void complete(Attempt attempt) {
    attempt.over = true;
    releaseTimers();
    String finish = attempt.finish != null ? attempt.finish : "stop";
    log.debug("LLM call to model {} finished: {} usage={}", model, finish, attempt.usage);
    deliverComplete(new LlmCompletion(finish, attempt.usage));
  }

  /** The listener of one attempt; its fields are guarded by the call's lock. */
  private final class Attempt extends EventSourceListener {
    boolean over;
    boolean sawToken;
    String finish;
    Usage usage;
    /** Closes a stream that stays open after {@code [DONE]}; dropped once the stream ends by itself. */
    Future<?> afterDone;
    /** {@link System#nanoTime()} when the last event was handled, once the first token arrived. */
    long lastEvent;

    private boolean stale() {
      return this != current || over || !isOpen();
    }

    @Override
    public void onEvent(EventSource eventSource, String id, String type, String data) {
      lock.lock();
      try {
        if (stale()) {
          return;
        }
        if (ChunkReader.isDone(data)) {
          complete(this);
          // A server that keeps the stream open after [DONE] must not hold a thread for long.
          afterDone = client.timer.schedule(eventSource::cancel, DONE_GRACE_MS, TimeUnit.MILLISECONDS);
          return;
        }
        StreamChunk chunk;
        try {
          chunk = client.chunks.read(data);
        } catch (BadResponseException e) {
          fail(this, e, null);
          return;
        }
        if (chunk.error() == null && "error".equals(type)) {
          chunk = StreamChunk.failure(new BadResponseException(
              "the provider reported an error in the stream: " + client.errors.clean(data), 0));
        }
        if (chunk.error() != null) {
          fail(this, chunk.error(), null);
          return;
        }
        if (chunk.usage() != null) {
          usage = chunk.usage();
        }
        if (chunk.reasoning() != null) {
          firstToken();
          if (!deliverReasoning(chunk.reasoning())) {
            return;
          }
        }
        if (chunk.text() != null) {
          firstToken();
          if (!deliverText(chunk.text())) {
            return;
          }
        }
        if (chunk.finishReason() != null) {
          finish = chunk.finishReason();
        }
      } catch (RejectedExecutionException closing) {
        // The timer shut down with the client; the stream ends with it.
      } finally {
        // After the callbacks: a slow handler is not a silent provider.
        lastEvent = System.nanoTime();
        lock.unlock();
      }
    }

    /** Swaps the first-token deadline for the idle check between events. */
    private void firstToken() {
      if (!sawToken) {
        sawToken = true;
        Future<?> d = deadline;
        if (d != null) {
          d.cancel(false);
        }
        Duration idle = client.config.idleTimeout();
        if (!idle.isZero()) {
          // lastEvent is set as this event's callbacks return; the check takes the lock first
          watchIdle(this, idle.toNanos());
        }
      }
    }

    /** The exchange is over: a pending close after {@code [DONE]} has nothing left to do. Holds the lock. */
    private void ended() {
      if (afterDone != null) {
        afterDone.cancel(false);
        afterDone = null;
      }
    }

    @Override
    public void onClosed(EventSource eventSource) {
      lock.lock();
      try {
        ended();
        if (stale()) {
          return;
        }
        if (finish != null) {
          complete(this);
        } else {
          fail(this, new BadResponseException("the provider closed the stream before it finished ("
              + (sawToken ? "after part of the answer" : "no answer") + ")", 0), null);
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onFailure(EventSource eventSource, Throwable t, Response response) {
      // Read an error body before taking the lock: it is I/O, and cancel() must not wait for it.
      boolean failedResponse = response != null && (!response.isSuccessful() || !(t instanceof IOException));
      String body = failedResponse ? bodyOf(response) : null;
      Duration retryAfter = response != null ? RetryPolicy.retryAfter(response::header, Instant.now()) : null;
      lock.lock();
      try {
        ended();
        if (stale()) {
          return;
        }
        LlmException error;
        if (client.isClosed()) {
          // OkHttp's dispatcher refused the call (it reports that as an I/O failure), or closed it.
          error = new LlmException("the openai client is closed", 0, false, t);
        } else if (response != null && !response.isSuccessful()) {
          error = client.errors.forStatus(response.code(), body, retryAfter);
        } else if (failedResponse) {
          error = client.errors.forContentType(response.code(), response.header("Content-Type"), body);
        } else if (t instanceof IOException io) {
          if (finish != null) {
            // The answer was complete; only the end of the exchange was lost.
            complete(this);
            return;
          }
          error = client.errors.forIo(io, client.config.idleTimeout());
        } else {
          error = new BadResponseException("the stream failed: " + (t == null ? "unknown" : t.getClass().getSimpleName()), 0, t);
        }
        fail(this, error, retryAfter);
      } finally {
        lock.unlock();
      }
    }

    private String bodyOf(Response response) {
      try {
        return response.peekBody(MAX_ERROR_BODY).string();
      } catch (IOException | IllegalStateException e) {
        return null;
      }
    }
  }
}
