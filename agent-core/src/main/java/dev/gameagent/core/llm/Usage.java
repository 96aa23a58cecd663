package dev.gameagent.core.llm;

/** Token counts reported by a provider for one call. */
public record Usage(int promptTokens, int completionTokens) {
  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("negative token count: " + promptTokens + ", " + completionTokens);
    }
  }
}
