package dev.gameagent.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns raw ids (which a client chooses) into safe file names: the id with every character outside
 * {@code [A-Za-z0-9_-]} replaced by {@code _}, cut to 48 characters, plus {@code -} and the first
 * 8 hex digits of the raw id's SHA-256, so {@code a/b} and {@code a_b} never share a file and no
 * name is {@code .} or {@code ..}.
 */
final class LogFileNames {
  private static final int MAX_READABLE = 48;

  private LogFileNames() {}

  static String forId(String rawId) {
    StringBuilder name = new StringBuilder(Math.min(rawId.length(), MAX_READABLE) + 9);
    for (int i = 0; i < rawId.length() && name.length() < MAX_READABLE; i++) {
      char c = rawId.charAt(i);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      name.append(safe ? c : '_');
    }
    return name.append('-').append(shortHash(rawId)).toString();
  }

  /**
   * Resolves {@code name} inside {@code root}, refusing anything that would land outside it.
   *
   * @throws IllegalArgumentException when the normalized path leaves {@code root}
   */
  static Path resolveInside(Path root, String name) {
    Path base = root.toAbsolutePath().normalize();
    Path resolved = base.resolve(name).normalize();
    if (!resolved.startsWith(base) || resolved.equals(base)) {
      throw new IllegalArgumentException("log path escapes the logs folder: " + name);
    }
    return resolved;
  }

  private static String shortHash(String rawId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(rawId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required by every JVM", e);
    }
  }
}
