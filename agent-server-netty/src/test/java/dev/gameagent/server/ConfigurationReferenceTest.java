package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.LlmSetting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in {@code docs/protocol.md} is the options {@code --help} lists, with
 * the same defaults: it is rendered here from the same source and compared. After changing an
 * option, run this test with {@code -Ddocs.update=true} to rewrite the section.
 */
class ConfigurationReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "protocol.md");
  static final String BEGIN = "<!-- BEGIN configuration reference: rendered from the --help options by"
      + " ConfigurationReferenceTest; do not edit by hand -->";
  static final String END = "<!-- END configuration reference -->";

  @Test
  void docsListEveryOptionOfHelpWithItsDefault() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("the doc has the section markers").isNotNegative();
    assertThat(end).isGreaterThan(begin);
    String current = doc.substring(begin + BEGIN.length(), end);
    String expected = "\n" + render();
    if (!current.equals(expected) && Boolean.getBoolean("docs.update")) {
      Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + expected + doc.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(current).as("the configuration reference of docs/protocol.md; rerun with -Ddocs.update=true")
        .isEqualTo(expected);
  }

  static String render() {
    StringBuilder out = new StringBuilder();
    out.append("| flag | environment variable | default | meaning |\n|---|---|---|---|\n");
    for (ConfigLoader.Option o : ConfigLoader.Option.values()) {
      out.append("| `").append(o.usage()).append("` | `").append(o.env).append("` | `").append(o.defaultText)
          .append("` | ").append(cell(o.description)).append(" |\n");
    }
    out.append("\nThe LLM client reads these from the environment and `.env` only (no flags):\n\n")
        .append("| environment variable | default | meaning |\n|---|---|---|\n");
    for (LlmSetting s : LlmConfig.settings()) {
      out.append("| `").append(s.envName()).append("` | ")
          .append(s.defaultValue() == null ? "" : cell(s.defaultValue())).append(" | ")
          .append(cell(s.description())).append(" |\n");
    }
    return out.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
