package dev.gameagent.core;

import java.util.List;
import java.util.Objects;

/** One entry of an agent's history, in the order it happened. */
public sealed interface HistoryEntry {

  /** How an event entered history. */
  enum Disposition {
    /** An interaction event that started (or was meant to start) a turn. */
    INTERACTION,
    /** A notification: context only. */
    NOTIFICATION,
    /** An interaction event that was dropped or replaced in the queue and started no turn. */
    DROPPED
  }

  /** A game event. */
  record Event(InteractionEvent event, Disposition disposition) implements HistoryEntry {
    public Event {
      Objects.requireNonNull(event, "event == null");
      Objects.requireNonNull(disposition, "disposition == null");
    }
  }

  /** What the game confirmed the agent performed in a turn. */
  record Turn(String turnId, List<ConfirmedTag> tags, boolean interrupted) implements HistoryEntry {
    public Turn {
      Objects.requireNonNull(turnId, "turnId == null");
      tags = List.copyOf(tags);
    }
  }

  /** The results of a turn's tool calls. */
  record ToolResults(String turnId, List<ToolResult> results) implements HistoryEntry {
    public ToolResults {
      Objects.requireNonNull(turnId, "turnId == null");
      results = List.copyOf(results);
    }
  }
}
