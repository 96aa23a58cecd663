package dev.gameagent.core.testing;

import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.TurnListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TurnListener} that records every event in a queue a test takes them from in order
 * ({@link #next}), and checks them all with a {@link TurnOrderChecker}. Thread-safe.
 */
public final class TurnRecorder implements TurnListener {
  private final BlockingQueue<TurnEvent> queue = new LinkedBlockingQueue<>();
  private final List<TurnEvent> all = new CopyOnWriteArrayList<>();
  private final TurnOrderChecker checker = new TurnOrderChecker();

  @Override
  public void onEvent(TurnEvent event) {
    checker.accept(event);
    all.add(event);
    queue.add(event);
  }

  /** The next event not yet taken, waiting up to 10 s for it. */
  public TurnEvent next() {
    try {
      TurnEvent event = queue.poll(10, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("no turn event within 10 s; all so far: " + all);
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The next event, which must be of {@code type} and belong to {@code turnId}. */
  public <T extends TurnEvent> T next(Class<T> type, String turnId) {
    TurnEvent event = next();
    if (!type.isInstance(event) || !event.turnId().equals(turnId)) {
      throw new AssertionError("expected " + type.getSimpleName() + " of " + turnId + " but got " + event);
    }
    return type.cast(event);
  }

  /** Takes events up to and including the terminal event of {@code turnId}; returns that terminal event. */
  public TurnEvent nextTerminal(String turnId) {
    while (true) {
      TurnEvent event = next();
      if (event.terminal() && event.turnId().equals(turnId)) {
        return event;
      }
    }
  }

  /** Asserts that no event is waiting to be taken. */
  public void assertNoMoreEvents() {
    TurnEvent event = queue.peek();
    if (event != null) {
      throw new AssertionError("unexpected turn event " + event);
    }
  }

  /** Every event recorded, in order. */
  public List<TurnEvent> events() {
    return List.copyOf(all);
  }

  /** The events of one turn, in order. */
  public List<TurnEvent> events(String turnId) {
    List<TurnEvent> out = new ArrayList<>();
    for (TurnEvent event : all) {
      if (event.turnId().equals(turnId)) {
        out.add(event);
      }
    }
    return out;
  }

  public TurnOrderChecker checker() {
    return checker;
  }
}
