package dev.gameagent.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * An agent's history: its entries in the order they happened, with a reserved place for the result
 * of each turn that started. A turn's place is reserved when its prompt is built, so the result the
 * game confirms later lands after what the prompt saw and before what happened while it streamed.
 *
 * <p>Bounded: past {@code maxEntries} places (plus an eighth, trimmed in one go) the oldest are
 * forgotten (the {@link LogStore} keeps everything), so a long session's memory stays flat. A result whose place was forgotten is kept
 * only in the log.
 *
 * <p>The filled entries are also kept as one list in order, so a prompt reads them without a copy
 * ({@link #promptView}).
 *
 * <p>Not thread-safe: guarded by the owning agent's lock.
 */
final class History {

  /** One place in history; empty while it waits for a turn's confirmed result. */
  static final class Slot {
    private HistoryEntry entry;
    private boolean forgotten;

    private Slot(HistoryEntry entry) {
      this.entry = entry;
    }
  }

  private final Deque<Slot> slots = new ArrayDeque<>();
  /** The entries of the filled slots, in order. */
  private final List<HistoryEntry> entries = new ArrayList<>();
  private final int maxEntries;

  History(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  void append(HistoryEntry entry) {
    slots.addLast(new Slot(entry));
    entries.add(entry);
    trim();
  }

  /** Reserves the next place for an entry that is filled in later. */
  Slot reserve() {
    Slot slot = new Slot(null);
    slots.addLast(slot);
    trim();
    return slot;
  }

  /** Fills a reserved place, or appends when {@code slot} is null (the turn never reserved one). */
  void fill(Slot slot, HistoryEntry entry) {
    if (slot == null) {
      append(entry);
      return;
    }
    if (slot.forgotten || slot.entry != null) {
      return;
    }
    // Count the filled places after this one, from the newest: results usually come soon.
    int after = 0;
    Iterator<Slot> newestFirst = slots.descendingIterator();
    while (true) {
      Slot s = newestFirst.next();
      if (s == slot) {
        break;
      }
      if (s.entry != null) {
        after++;
      }
    }
    slot.entry = entry;
    entries.add(entries.size() - after, entry);
  }

  /** A snapshot of the entries in order. */
  List<HistoryEntry> entries() {
    return List.copyOf(entries);
  }

  /**
   * The entries in order without {@code excluded} (by identity), for a prompt being built now under
   * the agent's lock. A read-only view when {@code excluded} is absent or last (the usual case),
   * else a copy. Valid only until the history changes.
   */
  List<HistoryEntry> promptView(HistoryEntry excluded) {
    int size = entries.size();
    if (excluded == null) {
      return Collections.unmodifiableList(entries);
    }
    if (size > 0 && entries.get(size - 1) == excluded) {
      return Collections.unmodifiableList(entries.subList(0, size - 1));
    }
    List<HistoryEntry> copy = new ArrayList<>(size);
    for (HistoryEntry entry : entries) {
      if (entry != excluded) {
        copy.add(entry);
      }
    }
    return copy;
  }

  void clear() {
    for (Slot slot : slots) {
      slot.forgotten = true;
    }
    slots.clear();
    entries.clear();
  }

  /** Forgets the oldest places, in batches of an eighth of the bound so most appends copy nothing. */
  private void trim() {
    if (slots.size() <= maxEntries + maxEntries / 8) {
      return;
    }
    int filledRemoved = 0;
    while (slots.size() > maxEntries) {
      Slot oldest = slots.removeFirst();
      oldest.forgotten = true;
      if (oldest.entry != null) {
        filledRemoved++;
      }
    }
    if (filledRemoved > 0) {
      entries.subList(0, filledRemoved).clear();
    }
  }
}
