package dev.gameagent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares rendered system prompts with the checked-in files under {@code golden/}. To accept a
 * deliberate change of the rendering, run with {@code -Dgolden.update=true} (from the module
 * directory) and review the diff of the golden files.
 */
class DossierGoldenTest {
  private static final Path GOLDEN_SOURCES = Path.of("src", "test", "resources", "golden");

  static Stream<Arguments> specs() {
    return Stream.of(
        golden("minimal", AgentSpecFixtures::minimal),
        golden("protocol_example", AgentSpecFixtures::protocolExample),
        golden("unknown_nested", AgentSpecFixtures::unknownNested),
        golden("custom_tags_with_tools", AgentSpecFixtures::customTagsWithTools));
  }

  private static Arguments golden(String name, Supplier<Map<String, Object>> tree) {
    return Arguments.of(name, tree);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void systemPromptMatchesGoldenFile(String name, Supplier<Map<String, Object>> tree) throws IOException {
    String rendered = PromptBuilder.defaults().systemPrompt(AgentSpec.fromMap(tree.get()));
    String file = name + ".txt";
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(GOLDEN_SOURCES.resolve(file), rendered, StandardCharsets.UTF_8);
      return; // the copy on the class path is stale until the next build
    }
    assertThat(rendered).isEqualTo(read(file));
  }

  private static String read(String file) throws IOException {
    try (InputStream in = DossierGoldenTest.class.getResourceAsStream("/golden/" + file)) {
      assertThat(in).as("golden file %s (run with -Dgolden.update=true to create it)", file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
