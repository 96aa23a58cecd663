package dev.gameagent.core;

import dev.gameagent.core.llm.LlmRequest;
import java.util.Objects;

/** A built prompt: the exact request and what went into it. */
public record Prompt(LlmRequest request, TurnEvent.PromptStats stats) {
  public Prompt {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(stats, "stats == null");
  }
}
