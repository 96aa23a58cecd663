package dev.gameagent.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Locale;

/**
 * Turns Jackson's parse errors into messages fit for a game client: Jackson's own description of
 * the problem when it is plain ("Unexpected character ('}' (code 125))..."), with the line and
 * column, and never its internals (class and feature names, source excerpts).
 */
final class JsonErrors {
  private JsonErrors() {}

  static String describe(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    if (reason == null) {
      reason = "";
    }
    int cut = firstOf(reason, "\n", " (start marker", " at [Source");
    if (cut >= 0) {
      reason = reason.substring(0, cut);
    }
    reason = reason.strip();
    String lower = reason.toLowerCase(Locale.ROOT);
    if (reason.isEmpty() || reason.indexOf('`') >= 0 || lower.contains("jackson") || lower.contains("source")
        || lower.contains("feature") || lower.contains("exception") || lower.contains("token_")) {
      reason = "malformed JSON";
    } else if (lower.startsWith("unexpected end-of-input")) {
      reason = "the JSON ends before it is complete";
    }
    return "invalid JSON" + ProtocolCodec.at(e.getLocation()) + ": " + reason;
  }

  private static int firstOf(String text, String... needles) {
    int first = -1;
    for (String needle : needles) {
      int i = text.indexOf(needle);
      if (i >= 0 && (first < 0 || i < first)) {
        first = i;
      }
    }
    return first;
  }
}
