package dev.gameagent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  @Test
  void defaultsWhenNothingIsSet() throws Exception {
    ServerConfig c = ConfigLoader.load(List.of(), Map.of(), Map.of()).config();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.logsDir()).isEqualTo(Path.of("logs"));
    assertThat(c.token()).isNull();
    assertThat(c.stateTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.sessionRetention()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.maxMessageBytes()).isEqualTo(1024 * 1024);
    assertThat(c.compression()).isFalse();
    assertThat(c.maxTurnsPerSession()).isEqualTo(256);
    assertThat(c.logLevel()).isEqualTo("INFO");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsDotEnv() throws Exception {
    Map<String, String> dotEnv = Map.of("GAME_AGENT_PORT", "7000", "GAME_AGENT_HOST", "0.0.0.0",
        "GAME_AGENT_LOG_LEVEL", "warn", "OPENAI_API_KEY", "from-dotenv");
    Map<String, String> env = Map.of("GAME_AGENT_PORT", "7500", "OPENAI_API_KEY", "from-env");
    ServerConfig c = ConfigLoader.load(List.of("--port", "9000", "--state-timeout-ms=250"), env, dotEnv).config();
    assertThat(c.port()).isEqualTo(9000);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.logLevel()).isEqualTo("WARN");
    assertThat(c.stateTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.llmEnvironment()).containsEntry("OPENAI_API_KEY", "from-env");

    ServerConfig fromEnv = ConfigLoader.load(List.of(), env, dotEnv).config();
    assertThat(fromEnv.port()).isEqualTo(7500);
  }

  @Test
  void streamIdleTimeoutComesFromFlagsEnvironmentOrDotEnvAndMustBePositive() throws Exception {
    Map<String, String> dotEnv = Map.of("GAME_AGENT_STREAM_IDLE_TIMEOUT_MS", "1500");
    Map<String, String> env = Map.of("GAME_AGENT_STREAM_IDLE_TIMEOUT_MS", "2500");
    assertThat(ConfigLoader.load(List.of(), Map.of(), dotEnv).config().streamIdleTimeout())
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(ConfigLoader.load(List.of(), env, dotEnv).config().streamIdleTimeout())
        .isEqualTo(Duration.ofMillis(2500));
    assertThat(ConfigLoader.load(List.of("--stream-idle-timeout-ms=3500"), env, dotEnv).config().streamIdleTimeout())
        .isEqualTo(Duration.ofMillis(3500));
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--stream-idle-timeout-ms", "0"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--stream-idle-timeout-ms")
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("GAME_AGENT_STREAM_IDLE_TIMEOUT_MS", "soon"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("GAME_AGENT_STREAM_IDLE_TIMEOUT_MS")
        .hasMessageContaining("soon");
  }

  @Test
  void everyOptionHasAFlagAndAnEnvironmentVariable() throws Exception {
    List<String> args = List.of("--host", "::1", "--port", "0", "--logs-dir", "/tmp/x", "--token", "s3",
        "--state-timeout-ms", "1", "--ping-interval-ms", "2", "--idle-timeout-ms", "3",
        "--handshake-timeout-ms", "4", "--session-retention-ms", "5", "--unwritable-timeout-ms", "6",
        "--max-message-bytes", "2048", "--max-queued-bytes", "70000", "--compression",
        "--max-tool-continuations", "2", "--rate-limit", "7", "--max-agents", "9",
        "--max-turns", "11", "--log-level", "debug", "--stream-idle-timeout-ms", "12");
    ServerConfig c = ConfigLoader.load(args, Map.of(), Map.of()).config();
    assertThat(c.host()).isEqualTo("::1");
    assertThat(c.port()).isZero();
    assertThat(c.logsDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(c.token()).isEqualTo("s3");
    assertThat(c.stateTimeout()).isEqualTo(Duration.ofMillis(1));
    assertThat(c.streamIdleTimeout()).isEqualTo(Duration.ofMillis(12));
    assertThat(c.pingInterval()).isEqualTo(Duration.ofMillis(2));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMillis(3));
    assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofMillis(4));
    assertThat(c.sessionRetention()).isEqualTo(Duration.ofMillis(5));
    assertThat(c.unwritableTimeout()).isEqualTo(Duration.ofMillis(6));
    assertThat(c.maxMessageBytes()).isEqualTo(2048);
    assertThat(c.maxQueuedBytes()).isEqualTo(70000);
    assertThat(c.maxTurnsPerSession()).isEqualTo(11);
    assertThat(c.compression()).isTrue();
    assertThat(c.maxToolContinuations()).isEqualTo(2);
    assertThat(c.rateLimit()).isEqualTo(7);
    assertThat(c.maxAgentsPerSession()).isEqualTo(9);
    assertThat(c.logLevel()).isEqualTo("DEBUG");
    for (ConfigLoader.Option o : ConfigLoader.Option.values()) {
      assertThat(ConfigLoader.help()).contains(o.flag).contains(o.env);
    }
  }

  @Test
  void theDefaultsHelpShowsAreTheDefaults() {
    String defaults = ServerConfig.newBuilder().build().toString();
    for (ConfigLoader.Option o : ConfigLoader.Option.values()) {
      if (o == ConfigLoader.Option.TOKEN) {
        assertThat(o.defaultText).isEqualTo("none");
        assertThat(ServerConfig.newBuilder().build().token()).isNull();
        continue;
      }
      ServerConfig.Builder b = ServerConfig.newBuilder();
      o.setter.apply(b, o.defaultText);
      assertThat(b.build().toString()).as(o.flag + " " + o.defaultText).isEqualTo(defaults);
      assertThat(ConfigLoader.help()).contains(o.description + " (default " + o.defaultText + ")");
    }
  }

  @Test
  void booleanFlagTakesAnOptionalValue() throws Exception {
    assertThat(ConfigLoader.load(List.of("--compression", "false"), Map.of(), Map.of()).config().compression()).isFalse();
    assertThat(ConfigLoader.load(List.of("--compression=yes"), Map.of(), Map.of()).config().compression()).isTrue();
    assertThat(ConfigLoader.load(List.of("--compression", "--port", "1"), Map.of(), Map.of()).config().compression())
        .isTrue();
  }

  @Test
  void helpIsRecognizedAnywhere() throws Exception {
    assertThat(ConfigLoader.load(List.of("--port", "1", "--help"), Map.of(), Map.of()).helpRequested()).isTrue();
    assertThat(ConfigLoader.load(List.of("-h"), Map.of(), Map.of()).helpRequested()).isTrue();
  }

  @Test
  void badInputIsAClearError() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--bogus"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessage("unknown option: --bogus");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--port"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--port needs a value");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--port", "eighty"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--port").hasMessageContaining("eighty");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("GAME_AGENT_PORT", "70000"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("GAME_AGENT_PORT");
    assertThatThrownBy(() -> ConfigLoader.load(List.of("--log-level", "loud"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("log level");
  }

  @Test
  void toStringMasksSecrets() throws Exception {
    ServerConfig c = ConfigLoader.load(List.of("--token", "hunter2"),
        Map.of("OPENAI_API_KEY", "sk-secret", "LLM_MODEL", "gpt"), Map.of()).config();
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("sk-secret").contains("LLM_MODEL=gpt")
        .contains("token=****");
  }

  @Test
  void dotEnvReadsCommentsQuotesAndExport() {
    Map<String, String> vars = DotEnv.parse(List.of(
        "# comment", "", "export A=1", "B = \"two words\"", "C='single # not a comment'", "D=plain # comment",
        "not a line", "=x", "E="));
    assertThat(vars).containsExactly(Map.entry("A", "1"), Map.entry("B", "two words"),
        Map.entry("C", "single # not a comment"), Map.entry("D", "plain"), Map.entry("E", ""));
  }
}
