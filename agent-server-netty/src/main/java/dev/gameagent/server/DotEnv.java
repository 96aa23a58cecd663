package dev.gameagent.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .env} file: {@code KEY=VALUE} lines, {@code #} comments, an optional
 * {@code export } prefix, values optionally in single or double quotes. Lines it cannot read are
 * skipped; a later key wins.
 */
final class DotEnv {
  private DotEnv() {}

  /** The file's variables, or an empty map when it does not exist. */
  static Map<String, String> load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static Map<String, String> parse(List<String> lines) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      if (!key.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
        continue;
      }
      vars.put(key, value(line.substring(eq + 1).strip()));
    }
    return vars;
  }

  private static String value(String v) {
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
      char quote = v.charAt(0);
      int end = v.indexOf(quote, 1);
      if (end > 0) {
        String inner = v.substring(1, end);
        return quote == '"' ? inner.replace("\\n", "\n") : inner;
      }
    }
    // An unquoted value ends at a " #" comment.
    int comment = v.indexOf(" #");
    return (comment >= 0 ? v.substring(0, comment) : v).strip();
  }
}
