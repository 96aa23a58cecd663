package dev.gameagent.core;

import java.util.List;

/**
 * STUB (issue 5): builds the LLM request for a turn. Public API is fixed; the implementation is
 * being written. Immutable and thread-safe.
 */
public final class PromptBuilder {

  private PromptBuilder() {}

  /** chars/4 token estimate, an 8,000-token context budget, consecutive same-role messages merged. */
  public static PromptBuilder defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds the prompt: the system message (dossier, output contract, instructions), then the most
   * recent {@code spec.historyLimit()} entries of {@code history} that fit the context budget
   * (oldest dropped first), then {@code active}.
   *
   * @param history earlier entries, oldest first, not including {@code active}
   * @param active the entry the turn answers (the interaction event), or null for a continuation
   *     turn whose tool results are already the last entries of {@code history}
   */
  public Prompt build(AgentSpec spec, List<HistoryEntry> history, HistoryEntry active) {
    throw new UnsupportedOperationException();
  }

  /** The system message alone: the character dossier, the output contract, the instructions. */
  public String systemPrompt(AgentSpec spec) {
    throw new UnsupportedOperationException();
  }

  public static final class Builder {
    Builder() {}

    public Builder tokenCounter(TokenCounter counter) {
      return this;
    }

    /** The most estimated tokens a prompt may use, system message included. */
    public Builder contextBudgetTokens(int budget) {
      return this;
    }

    /** Whether consecutive messages of one role are merged, for models that require alternation. */
    public Builder mergeConsecutiveRoles(boolean merge) {
      return this;
    }

    public PromptBuilder build() {
      return new PromptBuilder();
    }
  }
}
