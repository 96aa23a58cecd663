package dev.gameagent.llm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.llm.AuthenticationException;
import dev.gameagent.core.llm.BadResponseException;
import dev.gameagent.core.llm.InvalidRequestException;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmTimeoutException;
import dev.gameagent.core.llm.ModelNotFoundException;
import dev.gameagent.core.llm.RateLimitedException;
import dev.gameagent.core.llm.ServerErrorException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place where provider failures become core's {@link LlmException} family: HTTP statuses,
 * error objects inside a stream, and I/O failures. Every message it makes is safe for a game client:
 * the provider's own message is extracted, flattened, truncated, and scrubbed of the API key, of the
 * values of extra headers, and of anything shaped like a key.
 */
final class ErrorMapper {
  static final int MAX_DETAIL = 300;
  private static final Pattern KEY_SHAPED = Pattern.compile("\\b(sk|key|rk)-[A-Za-z0-9_\\-]{6,}");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  /** A markup tag, or a script or style element whole: what an HTML error page wraps its words in. */
  private static final Pattern MARKUP = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>|<[^>]*>");

  /** Header values shorter than this are not scrubbed: they hold no credential and are often plain words. */
  static final int MIN_HEADER_SECRET = 8;

  private final List<String> secrets;

  /** @param apiKey the key to scrub from messages, or null */
  ErrorMapper(String apiKey) {
    this(apiKey, List.of());
  }

  /**
   * @param apiKey the key to scrub from messages, or null
   * @param headerValues values of extra headers, scrubbed too when at least {@link #MIN_HEADER_SECRET}
   *     characters long (they often carry credentials, such as Azure's {@code api-key})
   */
  ErrorMapper(String apiKey, Collection<String> headerValues) {
    List<String> s = new ArrayList<>();
    if (apiKey != null && !apiKey.isEmpty()) {
      s.add(apiKey);
    }
    for (String v : headerValues) {
      if (v.length() >= MIN_HEADER_SECRET) {
        s.add(v);
      }
    }
    // Longest first, so a secret that contains another is scrubbed whole.
    s.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(s);
  }

  /**
   * Maps a non-2xx response.
   *
   * @param body the response body (possibly truncated), or null
   * @param retryAfter the wait the provider asked for, or null
   */
  LlmException forStatus(int status, String body, Duration retryAfter) {
    return byStatus(status, "", detailOf(body), retryAfter);
  }

  private static LlmException byStatus(int status, String where, String detail, Duration retryAfter) {
    String suffix = where + (detail.isEmpty() ? "" : ": " + detail);
    if (status == 401 || status == 403) {
      return new AuthenticationException("the provider refused the credentials (HTTP " + status + ")" + suffix, status);
    }
    if (status == 404) {
      return new ModelNotFoundException("the provider does not know the model or endpoint (HTTP 404)" + suffix, status);
    }
    if (status == 408) {
      return new LlmTimeoutException("the provider timed out reading the request (HTTP 408)" + suffix);
    }
    if (status == 429) {
      return new RateLimitedException("the provider is rate limiting (HTTP 429)" + suffix, retryAfter);
    }
    if (status >= 500 && status <= 599) {
      return new ServerErrorException("the provider failed (HTTP " + status + ")" + suffix, status);
    }
    if (status >= 400 && status <= 499) {
      return new InvalidRequestException("the provider rejected the request (HTTP " + status + ")" + suffix, status);
    }
    return new BadResponseException("unexpected HTTP status " + status + " from the provider" + suffix, status);
  }

  /** Maps a 2xx response that is not an event stream. */
  LlmException forContentType(int status, String contentType, String body) {
    JsonNode json = Json.parseOrNull(body);
    if (json != null && isErrorObject(json)) {
      return forStreamError(json);
    }
    String detail = detailOf(body);
    return new BadResponseException("the provider answered with content type " + (contentType == null ? "none" : contentType)
        + " instead of text/event-stream" + (detail.isEmpty() ? "" : ": " + detail), status);
  }

  /** Whether a stream chunk is an error report rather than a completion chunk. */
  static boolean isErrorObject(JsonNode chunk) {
    JsonNode error = chunk.get("error");
    if (error != null && !error.isNull()) {
      return true;
    }
    return "error".equals(chunk.path("object").asText(null)) || "error".equals(chunk.path("type").asText(null));
  }

  /**
   * Maps an error object sent inside a 200 stream: {@code {"error":{...}}}, {@code {"error":"..."}},
   * vLLM's {@code {"object":"error",...}} or Anthropic's {@code {"type":"error",...}}. A numeric code
   * in the 4xx or 5xx range is read as an HTTP status; a known code or type string picks the class;
   * anything else is a {@link BadResponseException}.
   */
  LlmException forStreamError(JsonNode chunk) {
    JsonNode error = chunk.has("error") && !chunk.get("error").isNull() ? chunk.get("error") : chunk;
    String message = error.isTextual() ? error.asText() : firstText(error, "message", "detail", "msg");
    String detail = clean(message == null ? error.toString() : message);
    JsonNode code = error.isObject() ? error.get("code") : null;
    int status = 0;
    if (code != null && (code.isInt() || (code.isTextual() && code.asText().matches("\\d{3}")))) {
      status = code.asInt();
    }
    if (status >= 400 && status <= 599) {
      return byStatus(status, " in the stream", detail, null);
    }
    String kind = ((code == null ? "" : code.asText("")) + " " + (error.isObject() ? error.path("type").asText("") : ""))
        .toLowerCase(Locale.ROOT);
    String text = "the provider reported an error in the stream: " + detail;
    if (kind.contains("rate_limit") || kind.contains("rate limit")) {
      return new RateLimitedException(text, null);
    }
    if (kind.contains("overloaded") || kind.contains("server_error") || kind.contains("internal") || kind.contains("unavailable")) {
      return new ServerErrorException(text, 0);
    }
    if (kind.contains("auth") || kind.contains("api_key") || kind.contains("permission")) {
      return new AuthenticationException(text, 0);
    }
    if (kind.contains("not_found")) {
      return new ModelNotFoundException(text, 0);
    }
    if (kind.contains("invalid_request") || kind.contains("bad_request") || kind.contains("context_length")) {
      return new InvalidRequestException(text, 0);
    }
    return new BadResponseException(text, 0);
  }

  /**
   * Maps an I/O failure of the exchange.
   *
   * @param idleTimeout the read timeout in force, for the message
   */
  LlmException forIo(IOException e, Duration idleTimeout) {
    if (e instanceof InterruptedIOException) {
      return silentFor(idleTimeout, e);
    }
    String why = e.getMessage() == null ? "" : ": " + clean(e.getMessage());
    return new ServerErrorException("the connection to the provider failed (" + e.getClass().getSimpleName() + why + ")", 0, e);
  }

  /** A stream that went quiet for {@code idleTimeout}; {@code cause} may be null. */
  LlmTimeoutException silentFor(Duration idleTimeout, Throwable cause) {
    return new LlmTimeoutException("the provider sent nothing for " + idleTimeout.toMillis() + " ms", cause);
  }

  /** The provider's message in a JSON or text body, flattened, scrubbed and truncated; "" when none. */
  String detailOf(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    JsonNode json = Json.parseOrNull(body);
    if (json != null && json.isObject()) {
      JsonNode error = json.get("error");
      String message = null;
      if (error != null && error.isTextual()) {
        message = error.asText();
      } else if (error != null && error.isObject()) {
        message = firstText(error, "message", "detail", "msg");
      }
      if (message == null) {
        message = firstText(json, "message", "detail", "msg");
      }
      if (message != null) {
        return clean(message);
      }
    }
    // An HTML error page (a proxy's 502, a login page) reads as its words; the game sees no markup.
    return clean(body.stripLeading().startsWith("<") ? MARKUP.matcher(body).replaceAll(" ") : body);
  }

  /** Scrubs secrets, collapses whitespace and truncates {@code text}. */
  String clean(String text) {
    String s = text;
    for (String secret : secrets) {
      s = s.replace(secret, "***");
    }
    s = KEY_SHAPED.matcher(s).replaceAll("$1-***");
    s = WHITESPACE.matcher(s).replaceAll(" ").trim();
    if (s.length() > MAX_DETAIL) {
      s = s.substring(0, MAX_DETAIL) + "...";
    }
    return s;
  }

  private static String firstText(JsonNode node, String... fields) {
    for (String f : fields) {
      JsonNode v = node.get(f);
      if (v != null && v.isTextual() && !v.asText().isBlank()) {
        return v.asText();
      }
    }
    return null;
  }
}
