package dev.gameagent.server;

import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmSetting;
import java.util.Locale;

/** The LLM part of {@code --help}: every variable agent-llm reads, from its own list. */
final class LlmSettingsHelp {
  private LlmSettingsHelp() {}

  static String text() {
    StringBuilder out = new StringBuilder();
    for (LlmSetting s : LlmConfig.settings()) {
      String dflt = s.defaultValue() == null ? "" : " (default " + s.defaultValue() + ")";
      out.append(String.format(Locale.ROOT, "  %-30s %s%s%n", s.envName(), s.description(), dflt));
    }
    out.append("With no API key, base URL or LLM_PROVIDER set, the server runs on the offline default model.\n");
    return out.toString();
  }
}
