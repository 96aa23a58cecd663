package dev.gameagent.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.protocol.ClientMessage;
import dev.gameagent.protocol.ProtocolCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The user documentation cannot rot: code it shows is compiled code, the Maven coordinates it gives
 * exist, and its links lead somewhere.
 */
class DocsTest {
  /** Tests run in the module's directory. */
  private static final Path ROOT = Path.of("..");
  private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\S+) -->\\s*```\\w*\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  static Stream<Path> userDocs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("examples/README.md"),
        ROOT.resolve("examples/godot/README.md")));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs.stream();
  }

  @ParameterizedTest
  @MethodSource("userDocs")
  void everyMarkedSnippetIsCopiedFromTheSourceItNames(Path doc) throws IOException {
    Matcher m = SNIPPET.matcher(read(doc));
    while (m.find()) {
      List<String> source = read(ROOT.resolve(m.group(1))).lines().map(String::strip).toList();
      List<String> snippet = m.group(2).lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
      // Each line of the snippet appears in the source, in the same order (the source may have more).
      int at = 0;
      for (String line : snippet) {
        int found = source.subList(at, source.size()).indexOf(line);
        assertThat(found).as("%s: snippet line '%s' in %s, after line %d", doc, line, m.group(1), at).isNotNegative();
        at += found + 1;
      }
    }
  }

  @ParameterizedTest
  @MethodSource("userDocs")
  void everyDependencyNamesAModuleAtTheProjectsVersion(Path doc) throws IOException {
    String version = projectVersion();
    Matcher block = XML_BLOCK.matcher(read(doc));
    while (block.find()) {
      Matcher dependency = DEPENDENCY.matcher(block.group(1));
      while (dependency.find()) {
        String d = dependency.group(1);
        assertThat(element(d, "groupId")).as("%s: %s", doc, d).isEqualTo("dev.gameagent");
        assertThat(element(d, "version")).as("%s: %s", doc, d).isEqualTo(version);
        Path module = ROOT.resolve(element(d, "artifactId"));
        assertThat(module.resolve("pom.xml")).as("%s: the module of %s", doc, d).isRegularFile();
        if ("test-jar".equals(element(d, "type"))) {
          assertThat(read(module.resolve("pom.xml"))).as("%s builds a test-jar", module).contains("<goal>test-jar</goal>");
        }
      }
    }
  }

  @Test
  void theReadmesGameMessagesAreAcceptedByTheServersDecoder() throws IOException {
    ProtocolCodec codec = ProtocolCodec.newBuilder().build();
    Matcher block = JSON_BLOCK.matcher(read(ROOT.resolve("README.md")));
    List<ClientMessage> messages = new ArrayList<>();
    while (block.find()) {
      messages.add(codec.decode(block.group(1), () -> "e-1"));
    }

    assertThat(messages).as("the README's game-to-server examples").hasSize(2);
    assertThat(messages.get(0)).isInstanceOfSatisfying(ClientMessage.InteractionEventMessage.class,
        m -> assertThat(m.event().text()).isEqualTo("Hello there!"));
    assertThat(messages.get(1)).isInstanceOfSatisfying(ClientMessage.AgentStateSnapshot.class,
        m -> assertThat(AgentSpec.fromMap(m.state()).name()).isEqualTo("Brom"));
  }

  @Test
  void theAdapterGuidesOutlineOfLlmClientDeclaresWhatTheInterfaceDeclares() throws IOException {
    Matcher block = Pattern.compile("```java\\n(public interface LlmClient \\{.*?)```", Pattern.DOTALL)
        .matcher(read(ROOT.resolve("docs/llm.md")));
    assertThat(block.find()).as("the LlmClient outline in docs/llm.md").isTrue();
    List<String> source = read(ROOT.resolve("agent-core/src/main/java/dev/gameagent/core/llm/LlmClient.java"))
        .lines().map(String::strip).toList();

    // "LlmCall stream(LlmRequest request, LlmStreamHandler handler);   // ..." -> its signature.
    List<String> signatures = block.group(1).lines().filter(line -> line.contains("("))
        .map(line -> line.replaceAll("\\s*(;|\\{).*$", "").strip()).toList();
    assertThat(signatures).hasSize(3).allSatisfy(signature ->
        assertThat(source).as("LlmClient.java declares %s", signature).anyMatch(line -> line.startsWith(signature)));
  }

  @ParameterizedTest
  @MethodSource("userDocs")
  void everyRelativeLinkLeadsToAFile(Path doc) throws IOException {
    Matcher m = LINK.matcher(read(doc));
    while (m.find()) {
      String target = m.group(1);
      if (target.startsWith("http:") || target.startsWith("https:") || target.startsWith("#")) {
        continue;
      }
      String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
      assertThat(doc.getParent().resolve(file)).as("%s links to %s", doc, target).exists();
    }
  }

  private static String projectVersion() throws IOException {
    String pom = read(ROOT.resolve("pom.xml"));
    int artifact = pom.indexOf("<artifactId>game-agent-parent</artifactId>");
    return element(pom.substring(artifact), "version");
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : null;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
