package dev.gameagent.core;

import dev.gameagent.core.llm.ChatMessage;
import java.util.List;

/**
 * Renders history entries as chat messages. Stateless.
 *
 * <ul>
 *   <li>An event is a user message saying who did what: {@code [player_said] player to Brom:
 *       "Hello" {"mood":"calm"}} (kind, source, target, the text as a JSON string, the data as compact
 *       JSON), with {@code (notification)} or {@code (dropped: you did not answer it)} after it.
 *   <li>A confirmed turn is an assistant message of its tags, as the model writes them:
 *       {@code <speech>Halt!</speech><action name="wave"/>}. An interrupted turn is followed by a
 *       user note saying only that much was seen and heard; an empty turn is only a user note.
 *   <li>Tool results are user text, never a tool role: {@code Tool results for turn t-3:
 *       check_inventory (t-3.c1) -> {"found":true}}, one result per line when there are several.
 * </ul>
 */
final class HistoryRenderer {
  static final String INTERRUPTED_NOTE = "(your answer was interrupted here: only the part above was seen and heard)";
  static final String INTERRUPTED_EMPTY_NOTE = "(your answer was interrupted before you said or did anything)";
  static final String EMPTY_NOTE = "(you did not answer)";

  private HistoryRenderer() {}

  /** Appends the messages of {@code entry} to {@code out}: one, or two for an interrupted turn. */
  static void render(HistoryEntry entry, List<ChatMessage> out) {
    if (entry instanceof HistoryEntry.Event e) {
      out.add(ChatMessage.user(event(e)));
    } else if (entry instanceof HistoryEntry.Turn t) {
      if (t.tags().isEmpty()) {
        out.add(ChatMessage.user(t.interrupted() ? INTERRUPTED_EMPTY_NOTE : EMPTY_NOTE));
        return;
      }
      StringBuilder text = new StringBuilder(64 * t.tags().size());
      for (ConfirmedTag tag : t.tags()) {
        TagText.tag(text, tag.tag(), tag.attributes(), tag.content());
      }
      out.add(ChatMessage.assistant(text.toString()));
      if (t.interrupted()) {
        out.add(ChatMessage.user(INTERRUPTED_NOTE));
      }
    } else {
      out.add(ChatMessage.user(toolResults((HistoryEntry.ToolResults) entry)));
    }
  }

  private static String event(HistoryEntry.Event entry) {
    InteractionEvent event = entry.event();
    StringBuilder out = new StringBuilder(48 + event.text().length());
    out.append('[').append(event.kind()).append(']');
    boolean who = false;
    if (event.source() != null && !event.source().isEmpty()) {
      out.append(' ').append(event.source());
      who = true;
    }
    if (event.target() != null && !event.target().isEmpty()) {
      out.append(" to ").append(event.target());
      who = true;
    }
    if (!event.text().isEmpty()) {
      out.append(who ? ": " : " ");
      JsonText.quote(out, event.text());
    }
    if (!event.data().isEmpty()) {
      out.append(' ');
      JsonText.write(out, event.data());
    }
    switch (entry.disposition()) {
      case NOTIFICATION -> out.append(" (notification)");
      case DROPPED -> out.append(" (dropped: you did not answer it)");
      default -> { }
    }
    return out.toString();
  }

  private static String toolResults(HistoryEntry.ToolResults entry) {
    StringBuilder out = new StringBuilder(64);
    out.append("Tool results for turn ").append(entry.turnId()).append(':');
    List<ToolResult> results = entry.results();
    if (results.isEmpty()) {
      out.append(" none");
    }
    for (ToolResult result : results) {
      out.append(results.size() == 1 ? ' ' : '\n');
      if (!result.name().isEmpty()) {
        out.append(result.name()).append(' ');
      }
      out.append('(').append(result.callId()).append(") -> ");
      if (result.isError()) {
        out.append("error: ");
      }
      JsonText.write(out, result.output());
    }
    return out.toString();
  }
}
