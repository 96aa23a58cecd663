package dev.gameagent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;

/**
 * Reads an event's {@code timestamp}: a number (or a numeric string) of epoch seconds or epoch
 * milliseconds, told apart by magnitude, or an ISO-8601 date-time.
 *
 * <p>The magnitude rule: a value whose absolute value is below 100,000,000,000 is seconds, anything
 * larger is milliseconds. 10^11 seconds is the year 5138 and 10^11 milliseconds is March 1973, so
 * every timestamp a game produces today is read right either way. Fractions are kept to the
 * nanosecond. ISO-8601 accepts an offset ({@code +02:00}), {@code Z}, or a zone id in brackets; a
 * date-time without any is taken as UTC, a bare date as its midnight UTC, and a space may stand for
 * the {@code T}.
 */
final class Timestamps {
  /** Below this magnitude a number is epoch seconds; at or above it, epoch milliseconds. */
  static final BigDecimal SECONDS_BELOW = BigDecimal.valueOf(100_000_000_000L);

  /** Past Instant's range either way; checked first so that no huge number is scaled. */
  private static final BigDecimal OUT_OF_RANGE = new BigDecimal("1e20");
  private static final BigDecimal NANOSECOND = new BigDecimal("1e-9");
  private static final int MAX_NUMERIC_TEXT = 40;
  /**
   * A local date-time with an optional offset and an optional zone id in brackets. Unlike
   * {@link DateTimeFormatter#ISO_DATE_TIME}, a zone id alone ({@code 2024-01-15T12:00:00[Europe/Paris]})
   * is accepted too. Strict like it, so an impossible date ({@code 2023-02-29}, hour 24) is an error
   * rather than silently moved to a nearby one.
   */
  private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
      .optionalStart().appendOffsetId().optionalEnd()
      .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']').optionalEnd()
      .toFormatter()
      .withResolverStyle(ResolverStyle.STRICT)
      .withChronology(IsoChronology.INSTANCE);

  private Timestamps() {}

  /** The instant, or null when the value is none of the accepted forms. */
  static Instant parse(JsonNode value) {
    if (value.isNumber()) {
      return fromNumber(value.decimalValue());
    }
    if (!value.isTextual()) {
      return null;
    }
    String text = value.textValue().trim();
    if (isDecimal(text)) {
      return fromNumber(new BigDecimal(text));
    }
    return fromIso(text);
  }

  private static Instant fromNumber(BigDecimal number) {
    if (number.abs().compareTo(OUT_OF_RANGE) >= 0) {
      return null;
    }
    if (number.abs().compareTo(NANOSECOND) < 0) {
      // Floored to the nanosecond like any other; and 1e-999999999 must not be rescaled digit by digit.
      return number.signum() < 0 ? Instant.EPOCH.minusNanos(1) : Instant.EPOCH;
    }
    BigDecimal seconds = number.abs().compareTo(SECONDS_BELOW) < 0 ? number : number.movePointLeft(3);
    try {
      BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
      long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.FLOOR).longValueExact();
      return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    } catch (ArithmeticException | DateTimeException e) {
      return null;
    }
  }

  private static Instant fromIso(String text) {
    if (text.length() > 10 && text.charAt(10) == ' ') {
      text = text.substring(0, 10) + 'T' + text.substring(11);
    }
    try {
      TemporalAccessor parsed = DATE_TIME.parseBest(text, ZonedDateTime::from, LocalDateTime::from);
      return parsed instanceof ZonedDateTime
          ? ((ZonedDateTime) parsed).toInstant()
          : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      // not a date-time; maybe a bare date
    }
    try {
      return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** Whether the text is an optionally signed decimal number of reasonable length, like {@code 1700000000.5}. */
  private static boolean isDecimal(String text) {
    int n = text.length();
    if (n == 0 || n > MAX_NUMERIC_TEXT) {
      return false;
    }
    int i = text.charAt(0) == '-' ? 1 : 0;
    int digits = 0;
    boolean dot = false;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return false;
      }
    }
    return digits > 0;
  }
}
