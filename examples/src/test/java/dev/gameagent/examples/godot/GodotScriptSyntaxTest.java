package dev.gameagent.examples.godot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Godot client's scripts parse under the tree-sitter GDScript grammar, run by Node.js from
 * {@code godot/check} (there is no Godot 4 on the build machine). {@code .ci/run} installs that
 * checker with {@code npm ci} and sets {@value #REQUIRED}, so in CI a missing checker fails the
 * test; elsewhere the test is skipped until {@code npm ci --prefix examples/godot/check} is run.
 */
class GodotScriptSyntaxTest {
  private static final String REQUIRED = "GAMEAGENT_REQUIRE_GDSCRIPT_CHECK";
  /** Tests run in the module's directory. */
  private static final Path GODOT = Path.of("godot");
  private static final Path CHECKER = GODOT.resolve("check");

  @BeforeAll
  static void checkerInstalled() {
    boolean installed = Files.isDirectory(CHECKER.resolve("node_modules/tree-sitter-gdscript"));
    if (System.getenv(REQUIRED) != null) {
      assertThat(installed).as("the GDScript checker is installed (npm ci --prefix examples/godot/check)").isTrue();
    }
    assumeThat(installed).as("run npm ci --prefix examples/godot/check to check the GDScript").isTrue();
  }

  @Test
  void theClientAndTheDemoParse() throws Exception {
    Result result = check(GODOT.resolve("agent_client.gd"), GODOT.resolve("npc_demo.gd"));

    assertThat(result.output()).containsExactly("godot/agent_client.gd: ok", "godot/npc_demo.gd: ok");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void aSyntaxErrorIsReportedWithItsPlace(@TempDir Path dir) throws Exception {
    String demo = Files.readString(GODOT.resolve("npc_demo.gd"), StandardCharsets.UTF_8);
    int line = lineOf(demo, "func _ready()");
    Path broken = dir.resolve("broken.gd");
    Files.writeString(broken, demo.replace("func _ready()", "fun _ready()"), StandardCharsets.UTF_8);

    Result result = check(broken);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).anySatisfy(reported -> assertThat(reported).startsWith(broken + ":" + line + ":"));
    assertThat(result.output()).last().asString().endsWith("syntax errors");
  }

  private static int lineOf(String text, String needle) {
    int at = text.indexOf(needle);
    assertThat(at).as(needle).isNotNegative();
    return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }

  private static Result check(Path... scripts) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", CHECKER.resolve("syntax-check.js").toString()));
    for (Path script : scripts) {
      command.add(script.toString());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // a guard against a hung process, not a performance bound; the output is a few lines, well
    // within the pipe's buffer, so it is read after the exit
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the GDScript checker did not finish");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.exitValue(), output.lines().toList());
  }

  private record Result(int exitCode, List<String> output) {}
}
