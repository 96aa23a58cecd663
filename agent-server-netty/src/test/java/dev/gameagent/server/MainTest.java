package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, env, dir.resolve(".env"), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryOptionAndExitsZero() {
    assertThat(run(Map.of(), "--help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help).contains("--host", "GAME_AGENT_HOST", "--port", "--logs-dir", "--token", "--state-timeout-ms",
        "--ping-interval-ms", "--idle-timeout-ms", "--max-message-bytes", "--compression", "GAME_AGENT_LOG_LEVEL",
        "LLM_PROVIDER", "offline default model");
  }

  @Test
  void unknownFlagIsAClearMessageAndExitCode2() {
    assertThat(run(Map.of(), "--prot", "9000")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option: --prot").contains("--help");
  }

  @Test
  void malformedEnvironmentIsExitCode2() {
    assertThat(run(Map.of("GAME_AGENT_STATE_TIMEOUT_MS", "soon"))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("GAME_AGENT_STATE_TIMEOUT_MS").contains("soon");
  }

  @Test
  void unknownProviderIsExitCode2() {
    assertThat(run(Map.of("LLM_PROVIDER", "nonesuch"), "--port", "0", "--logs-dir", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nonesuch");
  }

  @Test
  void withoutKeyTheDefaultClientIsTheOfflineModel() {
    DefaultLlm llm = DefaultLlm.create(Map.of());
    assertThat(llm.description()).startsWith("offline default model");
    DefaultLlm remote = DefaultLlm.create(Map.of("OPENAI_API_KEY", "sk-x"));
    assertThat(remote.description()).startsWith("openai-compatible at").doesNotContain("sk-x");
  }
}
