package dev.gameagent.llm;

import java.util.Objects;

/**
 * One environment variable that {@link LlmConfig#fromEnvironment} reads, for a server's
 * {@code --help} text.
 *
 * @param envName the variable's name, e.g. {@code OPENAI_API_KEY}
 * @param defaultValue what applies when it is unset, in words; never a secret
 * @param description what it does, one sentence
 */
public record LlmSetting(String envName, String defaultValue, String description) {
  public LlmSetting {
    Objects.requireNonNull(envName, "envName == null");
    Objects.requireNonNull(defaultValue, "defaultValue == null");
    Objects.requireNonNull(description, "description == null");
  }
}
