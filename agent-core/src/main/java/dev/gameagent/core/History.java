package dev.gameagent.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An agent's history: its entries in the order they happened, with a reserved place for the result
 * of each turn that started. A turn's place is reserved when its prompt is built, so the result the
 * game confirms later lands after what the prompt saw and before what happened while it streamed.
 *
 * <p>Bounded: past {@code maxEntries} places the oldest is forgotten (the {@link LogStore} keeps
 * everything), so a long session's memory and per-turn cost stay flat. A result whose place was
 * forgotten is kept only in the log.
 *
 * <p>Not thread-safe: guarded by the owning agent's lock.
 */
final class History {

  /** One place in history; empty while it waits for a turn's confirmed result. */
  static final class Slot {
    private HistoryEntry entry;

    private Slot(HistoryEntry entry) {
      this.entry = entry;
    }
  }

  private final Deque<Slot> slots = new ArrayDeque<>();
  private final int maxEntries;

  History(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  void append(HistoryEntry entry) {
    add(new Slot(entry));
  }

  /** Reserves the next place for an entry that is filled in later. */
  Slot reserve() {
    return add(new Slot(null));
  }

  private Slot add(Slot slot) {
    slots.addLast(slot);
    if (slots.size() > maxEntries) {
      slots.removeFirst();
    }
    return slot;
  }

  /** Fills a reserved place, or appends when {@code slot} is null (the turn never reserved one). */
  void fill(Slot slot, HistoryEntry entry) {
    if (slot == null) {
      append(entry);
    } else {
      slot.entry = entry;
    }
  }

  /** The entries in order, empty places skipped. */
  List<HistoryEntry> entries() {
    return entriesExcept(null);
  }

  /** The entries in order, empty places and {@code excluded} (by identity) skipped. */
  List<HistoryEntry> entriesExcept(HistoryEntry excluded) {
    List<HistoryEntry> out = new ArrayList<>(slots.size());
    for (Slot slot : slots) {
      if (slot.entry != null && slot.entry != excluded) {
        out.add(slot.entry);
      }
    }
    return out;
  }

  void clear() {
    slots.clear();
  }
}
