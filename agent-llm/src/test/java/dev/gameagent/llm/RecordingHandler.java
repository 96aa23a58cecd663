package dev.gameagent.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream handler that records every callback in a blocking queue, and checks the handler contract
 * as it goes: callbacks never overlap, nothing follows a terminal callback, and nothing arrives after
 * {@link #cancelled()} was marked.
 */
public final class RecordingHandler implements LlmStreamHandler {
  /** One recorded callback. */
  public record Event(String kind, String text, LlmCompletion completion, LlmException error) {
    @Override
    public String toString() {
      return kind + (text != null ? ":" + text : "") + (completion != null ? ":" + completion : "")
          + (error != null ? ":" + error.getClass().getSimpleName() + ":" + error.getMessage() : "");
    }
  }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<Event> all = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger inCallback = new AtomicInteger();
  private final AtomicBoolean terminal = new AtomicBoolean();
  private volatile boolean cancelled;

  @Override
  public void onText(String delta) {
    record(new Event("text", delta, null, null), false);
  }

  @Override
  public void onReasoning(String delta) {
    record(new Event("reasoning", delta, null, null), false);
  }

  @Override
  public void onComplete(LlmCompletion completion) {
    record(new Event("complete", null, completion, null), true);
  }

  @Override
  public void onError(LlmException error) {
    record(new Event("error", null, null, error), true);
  }

  private void record(Event e, boolean isTerminal) {
    if (inCallback.incrementAndGet() != 1) {
      violations.add("overlapping callback " + e);
    }
    try {
      if (cancelled) {
        violations.add("callback after cancel returned: " + e);
      }
      if (terminal.get()) {
        violations.add("callback after terminal: " + e);
      }
      if ("text".equals(e.kind) && e.text.isEmpty()) {
        violations.add("empty text delta");
      }
      if (isTerminal) {
        terminal.set(true);
      }
      all.add(e);
      events.add(e);
    } finally {
      inCallback.decrementAndGet();
    }
  }

  /** Marks that cancel() has returned: any later callback is a violation. */
  public void cancelled() {
    cancelled = true;
  }

  /** The next event, waiting up to 30 s. */
  public Event next() {
    try {
      Event e = events.poll(30, TimeUnit.SECONDS);
      if (e == null) {
        fail("no event within 30 s; so far: " + all);
      }
      return e;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new AssertionError(ie);
    }
  }

  /** Waits for the terminal event and returns it; the events before it are kept in {@link #events()}. */
  public Event awaitTerminal() {
    while (true) {
      Event e = next();
      if (e.kind.equals("complete") || e.kind.equals("error")) {
        return e;
      }
    }
  }

  public LlmCompletion awaitComplete() {
    Event e = awaitTerminal();
    assertThat(e.kind).as("terminal event %s after %s", e, all).isEqualTo("complete");
    return e.completion;
  }

  public LlmException awaitError() {
    Event e = awaitTerminal();
    assertThat(e.kind).as("terminal event %s after %s", e, all).isEqualTo("error");
    return e.error;
  }

  /** Waits for the first text event and returns it. */
  public String awaitText() {
    while (true) {
      Event e = next();
      if (e.kind.equals("text")) {
        return e.text;
      }
      assertThat(e.kind).as("unexpected %s", e).isNotIn("complete", "error");
    }
  }

  /** Every event so far, in order. */
  public List<Event> events() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  /** The answer text so far. */
  public String text() {
    return join("text");
  }

  /** The reasoning text so far. */
  public String reasoning() {
    return join("reasoning");
  }

  private String join(String kind) {
    StringBuilder sb = new StringBuilder();
    for (Event e : events()) {
      if (e.kind.equals(kind)) {
        sb.append(e.text);
      }
    }
    return sb.toString();
  }

  public boolean hasTerminal() {
    return terminal.get();
  }

  /** Asserts that the handler contract held so far. */
  public void assertNoViolations() {
    assertThat(violations).isEmpty();
  }
}
