package dev.gameagent.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A game event in canonical form, as stored in history and rendered into prompts.
 *
 * @param eventId unique per session
 * @param kind what happened, e.g. {@code "player_said"}; {@code "event"} when unknown
 * @param source who did it, or null
 * @param target to whom, or null
 * @param text what was said or described; may be empty
 * @param timestamp when it happened
 * @param onBusy what the event does when its agent is busy (ignored for notifications)
 * @param data every other field of the event, in order, as a tree of maps, lists and scalars; its
 *     maps and lists are copied at every depth
 */
public record InteractionEvent(
    String eventId,
    String kind,
    String source,
    String target,
    String text,
    Instant timestamp,
    OnBusy onBusy,
    Map<String, Object> data) {

  public InteractionEvent {
    Objects.requireNonNull(eventId, "eventId == null");
    kind = kind == null || kind.isEmpty() ? "event" : kind;
    text = text == null ? "" : text;
    Objects.requireNonNull(timestamp, "timestamp == null");
    onBusy = onBusy == null ? OnBusy.INTERRUPT : onBusy;
    // Deeply: history and the prompt cache keep the event, whatever the game does with its maps later.
    data = data == null ? Map.of() : copyData(data);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copyData(Map<String, Object> data) {
    return (Map<String, Object>) JsonTree.copyStructure(data);
  }

  /** A minimal event: kind {@code event}, the given source and text, now, interrupt when busy. */
  public static InteractionEvent of(String eventId, String source, String text) {
    return new InteractionEvent(eventId, "event", source, null, text, Instant.now(), OnBusy.INTERRUPT, Map.of());
  }
}
