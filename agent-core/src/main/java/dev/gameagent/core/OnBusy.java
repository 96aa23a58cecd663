package dev.gameagent.core;

import java.util.Locale;

/** What an interaction event does when its agent already has a turn. */
public enum OnBusy {
  /** End the active turn (reason {@code superseded}), clear any queued event, start this one. */
  INTERRUPT,
  /** Start after the active turn ends; replaces an earlier event still waiting. */
  QUEUE,
  /** Record in history, start no turn. */
  DROP;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name case-insensitively; throws IllegalArgumentException naming the choices. */
  public static OnBusy fromWire(String value) {
    for (OnBusy b : values()) {
      if (b.wireName().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return b;
      }
    }
    throw new IllegalArgumentException("on_busy must be interrupt, queue or drop: " + value);
  }
}
