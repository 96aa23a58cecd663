package dev.gameagent.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings from the environment: names, defaults, precedence, validation and masking. */
class LlmConfigTest {
  private static final String KEY = "sk-live-TOPSECRET-123456";

  @Test
  void defaultsWhenNothingIsSet() {
    LlmConfig c = LlmConfig.fromEnvironment(Map.of());

    assertThat(c.apiKey()).isNull();
    assertThat(c.baseUrl()).isNull();
    assertThat(c.effectiveBaseUrl()).isEqualTo("https://api.openai.com/v1");
    assertThat(c.defaultModel()).isEqualTo("gpt-4o-mini");
    assertThat(c.provider()).isNull();
    assertThat(c.includeUsage()).isTrue();
    assertThat(c.reasoningModel()).isFalse();
    assertThat(c.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxRetries()).isEqualTo(2);
    assertThat(c.maxConcurrentStreams()).isEqualTo(4096);
    assertThat(c.offlineTokensPerSecond()).isEqualTo(40.0);
  }

  @Test
  void readsEverySetting() {
    Map<String, String> env = new HashMap<>();
    env.put("OPENAI_API_KEY", KEY);
    env.put("OPENAI_API_BASE", "http://localhost:11434/v1/");
    env.put("LLM_MODEL", "llama3.2");
    env.put("LLM_PROVIDER", " OpenAI ");
    env.put("LLM_TEMPERATURE", "0.8");
    env.put("LLM_MAX_TOKENS", "300");
    env.put("LLM_INCLUDE_USAGE", "false");
    env.put("LLM_REASONING_MODEL", "yes");
    env.put("LLM_EXTRA_HEADERS", "HTTP-Referer=https://game.example,X-Title=My%20Game%2C%20v2");
    env.put("LLM_CONNECT_TIMEOUT_MS", "2000");
    env.put("LLM_FIRST_TOKEN_TIMEOUT_MS", "0");
    env.put("LLM_IDLE_TIMEOUT_MS", "45000");
    env.put("LLM_MAX_RETRIES", "5");
    env.put("LLM_RETRY_BASE_DELAY_MS", "100");
    env.put("LLM_RETRY_MAX_DELAY_MS", "9000");
    env.put("LLM_MAX_CONCURRENT_STREAMS", "2000");
    env.put("LLM_OFFLINE_TOKENS_PER_SECOND", "0");

    LlmConfig c = LlmConfig.fromEnvironment(env);

    assertThat(c.apiKey()).isEqualTo(KEY);
    assertThat(c.baseUrl()).isEqualTo("http://localhost:11434/v1");
    assertThat(c.defaultModel()).isEqualTo("llama3.2");
    assertThat(c.provider()).isEqualTo("openai");
    assertThat(c.temperature()).isEqualTo(0.8);
    assertThat(c.maxTokens()).isEqualTo(300);
    assertThat(c.includeUsage()).isFalse();
    assertThat(c.reasoningModel()).isTrue();
    assertThat(c.extraHeaders()).containsExactly(
        Map.entry("HTTP-Referer", "https://game.example"), Map.entry("X-Title", "My Game, v2"));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.firstTokenTimeout()).isEqualTo(Duration.ZERO);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.maxRetries()).isEqualTo(5);
    assertThat(c.retryBaseDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.retryMaxDelay()).isEqualTo(Duration.ofSeconds(9));
    assertThat(c.maxConcurrentStreams()).isEqualTo(2000);
    assertThat(c.offlineTokensPerSecond()).isZero();
  }

  @Test
  void streamModelOverridesModel() {
    LlmConfig c = LlmConfig.fromEnvironment(Map.of("LLM_MODEL", "a", "ACTIVE_STREAM_LLM_MODEL", "b"));

    assertThat(c.model()).isEqualTo("a");
    assertThat(c.streamModel()).isEqualTo("b");
    assertThat(c.defaultModel()).isEqualTo("b");
  }

  @Test
  void apiBaseWinsOverBaseUrlWhichIsAnAlias() {
    assertThat(LlmConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "http://b:1/v1")).baseUrl()).isEqualTo("http://b:1/v1");
    assertThat(LlmConfig.fromEnvironment(Map.of("OPENAI_BASE_URL", "http://b:1/v1", "OPENAI_API_BASE", "http://a:1/v1")).baseUrl())
        .isEqualTo("http://a:1/v1");
  }

  @Test
  void blankValuesAreUnset() {
    LlmConfig c = LlmConfig.fromEnvironment(Map.of("OPENAI_API_KEY", "  ", "LLM_PROVIDER", "", "LLM_MAX_RETRIES", " "));

    assertThat(c.apiKey()).isNull();
    assertThat(c.provider()).isNull();
    assertThat(c.maxRetries()).isEqualTo(2);
  }

  @Test
  void malformedValuesNameTheVariable() {
    assertThatThrownBy(() -> LlmConfig.fromEnvironment(Map.of("LLM_MAX_RETRIES", "many")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LLM_MAX_RETRIES");
    assertThatThrownBy(() -> LlmConfig.fromEnvironment(Map.of("LLM_TEMPERATURE", "3")))
        .hasMessageContaining("LLM_TEMPERATURE").hasMessageContaining("[0, 2]");
    assertThatThrownBy(() -> LlmConfig.fromEnvironment(Map.of("OPENAI_API_BASE", "ftp://x")))
        .hasMessageContaining("OPENAI_API_BASE");
    assertThatThrownBy(() -> LlmConfig.fromEnvironment(Map.of("LLM_INCLUDE_USAGE", "maybe")))
        .hasMessageContaining("LLM_INCLUDE_USAGE");
    assertThatThrownBy(() -> LlmConfig.fromEnvironment(Map.of("LLM_IDLE_TIMEOUT_MS", "-1")))
        .hasMessageContaining("LLM_IDLE_TIMEOUT_MS");
    assertThatThrownBy(() -> LlmConfig.fromEnvironment(Map.of("LLM_EXTRA_HEADERS", "Bad Header=" + KEY)))
        .hasMessageContaining("LLM_EXTRA_HEADERS").satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
  }

  @Test
  void toStringMasksTheKeyAndHeaderValues() {
    LlmConfig c = LlmConfig.builder().apiKey(KEY).extraHeaders(Map.of("api-key", "azure-SECRET")).build();

    assertThat(c.toString()).doesNotContain(KEY).doesNotContain("TOPSECRET").doesNotContain("azure-SECRET")
        .contains("apiKey=***").contains("api-key");
    assertThat(LlmConfig.builder().build().toString()).contains("apiKey=none");
  }

  @Test
  void credentialsInTheBaseUrlAreNotShown() {
    LlmConfig c = LlmConfig.builder().baseUrl("https://user:pw-SECRET@llm.example/v1?key=SECRET2").build();

    assertThat(c.displayBaseUrl()).isEqualTo("https://llm.example/v1");
    assertThat(c.toString()).doesNotContain("SECRET");
    assertThat(LlmClients.describe(c)).doesNotContain("SECRET");
    assertThat(LlmConfig.builder().baseUrl("http://localhost:8080/v1").build().displayBaseUrl()).isEqualTo("http://localhost:8080/v1");
  }

  @Test
  void newBuilderCopiesEverything() {
    LlmConfig c = LlmConfig.builder().apiKey(KEY).model("m").maxRetries(7).offlineTokensPerSecond(3).build();

    LlmConfig copy = c.newBuilder().build();

    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.apiKey()).isEqualTo(KEY);
  }

  @Test
  void settingsListEveryVariableWithItsDefault() {
    assertThat(LlmConfig.settings()).extracting(LlmSetting::envName).contains(
        "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL", "LLM_MODEL", "ACTIVE_STREAM_LLM_MODEL", "LLM_PROVIDER",
        "LLM_INCLUDE_USAGE", "LLM_REASONING_MODEL", "LLM_EXTRA_HEADERS", "LLM_FIRST_TOKEN_TIMEOUT_MS",
        "LLM_IDLE_TIMEOUT_MS", "LLM_MAX_RETRIES", "LLM_OFFLINE_TOKENS_PER_SECOND").doesNotHaveDuplicates();
    assertThat(LlmConfig.settings()).allSatisfy(s -> assertThat(s.description()).isNotBlank());
  }
}
