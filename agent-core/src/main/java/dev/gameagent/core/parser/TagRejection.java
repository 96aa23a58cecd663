package dev.gameagent.core.parser;

import java.util.Objects;

/**
 * A tag the parser did not send, with why: {@code attribute_not_allowed}, {@code value_not_allowed},
 * {@code unknown_tool}, {@code invalid_arguments} or {@code incomplete}.
 */
public record TagRejection(String tag, String reason) {
  public static final String ATTRIBUTE_NOT_ALLOWED = "attribute_not_allowed";
  public static final String VALUE_NOT_ALLOWED = "value_not_allowed";
  public static final String UNKNOWN_TOOL = "unknown_tool";
  public static final String INVALID_ARGUMENTS = "invalid_arguments";
  public static final String INCOMPLETE = "incomplete";

  public TagRejection {
    Objects.requireNonNull(tag, "tag == null");
    Objects.requireNonNull(reason, "reason == null");
  }
}
