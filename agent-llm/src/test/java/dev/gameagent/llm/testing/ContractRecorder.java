package dev.gameagent.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A stream handler for {@link LlmClientContract}: it records every callback with its thread and
 * notes every breach of the {@link LlmStreamHandler} contract as it happens (overlapping callbacks,
 * an empty or null delta, a callback after the terminal one or after {@code cancel()} returned).
 * A subclass may act inside a callback by overriding {@link #react}.
 */
class ContractRecorder implements LlmStreamHandler {
  /** One callback: {@code text}, {@code reasoning}, {@code complete} or {@code error}. */
  record Callback(String kind, String text, LlmCompletion completion, LlmException error, Thread thread) {
    boolean terminal() {
      return kind.equals("complete") || kind.equals("error");
    }

    @Override
    public String toString() {
      return kind + (text != null ? " '" + text + "'" : "") + (completion != null ? " " + completion : "")
          + (error != null ? " " + error.getClass().getSimpleName() + ": " + error.getMessage() : "");
    }
  }

  private final List<Callback> callbacks = Collections.synchronizedList(new ArrayList<>());
  private final List<String> breaches = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger inside = new AtomicInteger();
  private volatile boolean terminated;
  private volatile boolean cancelReturned;

  @Override
  public final void onText(String delta) {
    record(new Callback("text", delta, null, null, Thread.currentThread()));
  }

  @Override
  public final void onReasoning(String delta) {
    record(new Callback("reasoning", delta, null, null, Thread.currentThread()));
  }

  @Override
  public final void onComplete(LlmCompletion completion) {
    if (completion == null) {
      breaches.add("onComplete(null)");
    }
    record(new Callback("complete", null, completion, null, Thread.currentThread()));
  }

  @Override
  public final void onError(LlmException error) {
    if (error == null) {
      breaches.add("onError(null)");
    }
    record(new Callback("error", null, null, error, Thread.currentThread()));
  }

  /** Called inside each callback, after it was recorded; may throw to test the adapter's handling. */
  void react(Callback callback) {}

  private void record(Callback callback) {
    if (inside.incrementAndGet() != 1) {
      breaches.add("callbacks overlap: " + callback + " while another callback runs");
    }
    try {
      if (terminated) {
        breaches.add("callback after the terminal one: " + callback);
      }
      if (cancelReturned) {
        breaches.add("callback after cancel() returned: " + callback);
      }
      if (!callback.terminal() && (callback.text() == null || callback.text().isEmpty())) {
        breaches.add("empty " + callback.kind() + " delta");
      }
      // Recorded before it counts as terminal: awaitTerminal() must find it once it sees the flag.
      callbacks.add(callback);
      if (callback.terminal()) {
        terminated = true;
      }
      react(callback);
    } finally {
      inside.decrementAndGet();
    }
  }

  /** Marks that {@code cancel()} has returned: from now on every callback is a breach. */
  void cancelReturned() {
    cancelReturned = true;
  }

  List<Callback> callbacks() {
    synchronized (callbacks) {
      return List.copyOf(callbacks);
    }
  }

  /** The answer text so far. */
  String text() {
    StringBuilder text = new StringBuilder();
    for (Callback c : callbacks()) {
      if (c.kind().equals("text")) {
        text.append(c.text());
      }
    }
    return text.toString();
  }

  /** Waits for the terminal callback and returns it. */
  Callback awaitTerminal(Duration timeout) {
    await("a terminal callback (onComplete or onError); so far " + callbacks())
        .atMost(timeout).until(() -> terminated);
    return callbacks().stream().filter(Callback::terminal).findFirst().orElseThrow();
  }

  /** Waits for the first text delta. */
  void awaitText(Duration timeout) {
    await("a text delta; so far " + callbacks())
        .atMost(timeout).until(() -> callbacks().stream().anyMatch(c -> c.kind().equals("text")));
  }

  /** Asserts that no callback arrives for {@code quiet}, and that the contract held throughout. */
  void assertQuietFor(Duration quiet) {
    List<Callback> before = callbacks();
    try {
      await().during(quiet).atMost(quiet.multipliedBy(2).plusSeconds(5)).until(() -> callbacks().size() == before.size());
    } catch (ConditionTimeoutException e) {
      // The breaches name the late callback better than the timeout does.
      assertNoBreach();
      throw new AssertionError("callbacks kept arriving after " + before + ": " + callbacks(), e);
    }
    assertNoBreach();
  }

  void assertNoBreach() {
    synchronized (breaches) {
      assertThat(breaches).as("LlmStreamHandler contract breaches").isEmpty();
    }
  }
}
