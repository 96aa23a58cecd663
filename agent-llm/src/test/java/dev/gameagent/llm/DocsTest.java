package dev.gameagent.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code docs/llm.md} keeps up with the code: every setting, and an example per provider the issue names. */
class DocsTest {
  private static String doc() throws IOException {
    // Tests run in the module's directory.
    return Files.readString(Path.of("..", "docs", "llm.md"), StandardCharsets.UTF_8);
  }

  @Test
  void everySettingIsInTheTable() throws IOException {
    String doc = doc();

    assertThat(LlmConfig.settings()).allSatisfy(s -> assertThat(doc).contains("`" + s.envName() + "`"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OpenAI", "OpenRouter", "Ollama", "vLLM", "llama.cpp", "LM Studio", "Groq", "Anthropic"})
  void everyProviderHasItsOwnExample(String provider) throws IOException {
    String doc = doc();
    int start = doc.indexOf("### Examples");
    String examples = doc.substring(start, doc.indexOf("```\n", doc.indexOf("```sh", start) + 5));
    List<String> lines = Arrays.asList(examples.split("\n"));

    int comment = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("# " + provider)) {
        comment = i;
      }
    }
    assertThat(comment).as("a '# %s' example", provider).isNotNegative();
    assertThat(lines.get(comment + 1)).as("the line after '# %s'", provider).contains("OPENAI_API_");
  }
}
