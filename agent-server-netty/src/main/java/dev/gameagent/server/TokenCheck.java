package dev.gameagent.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks an upgrade request against the shared secret: {@code Authorization: Bearer TOKEN} or
 * {@code ?token=TOKEN}. Compares in constant time (the time taken does not depend on how much of a
 * guess matched). Never logs the token. Thread-safe.
 */
final class TokenCheck {
  private static final String BEARER = "bearer ";

  private final byte[] expected;

  /** @param token the secret, or null when none is required */
  TokenCheck(String token) {
    this.expected = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  boolean required() {
    return expected != null;
  }

  boolean allows(HttpRequest request, QueryStringDecoder query) {
    if (expected == null) {
      return true;
    }
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header != null && header.length() > BEARER.length()
        && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        && matches(header.substring(BEARER.length()).trim())) {
      return true;
    }
    List<String> tokens = query.parameters().get("token");
    return tokens != null && !tokens.isEmpty() && matches(tokens.get(0));
  }

  private boolean matches(String candidate) {
    return MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
  }
}
