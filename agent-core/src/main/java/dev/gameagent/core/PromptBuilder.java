package dev.gameagent.core;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Builds the LLM request for a turn: the system message (the character dossier, the output
 * contract, the instructions), then history, then the entry the turn answers. Immutable and
 * thread-safe.
 *
 * <p>History rendering: events and notifications are user messages that say who did what, dropped
 * events are marked as such, confirmed turns are assistant messages in tag form (an interrupted one
 * followed by a user note), tool results are user text, never a tool role.
 *
 * <p>Budget: token counts are estimated by the {@link TokenCounter} per rendered message. The
 * system message and the active entry are always included, even over budget; history is taken
 * newest first, at most {@code spec.historyLimit()} entries, until the next older entry would not
 * fit, so the oldest are dropped first. A continuation turn passes its tool results as the active
 * entry; given none ({@code active == null}), the trailing tool-result entries of history stand for
 * it: they are always included. The reported
 * {@code estimated_tokens} is the sum of those per-message estimates (before merging).
 *
 * <p>Rendering is memoized in bounded caches: the system message per spec, keyed by equality,
 * since the game sends a fresh but usually equal spec every turn; each history entry's messages
 * per entry instance, since history entries are immutable and a session passes the same instances
 * every turn. Entries must therefore not be mutated (nor the maps and lists inside them) once they
 * have been prompted. One builder is meant to serve many sessions.
 */
public final class PromptBuilder {
  /** The default context budget, in estimated tokens. */
  public static final int DEFAULT_CONTEXT_BUDGET_TOKENS = 8000;

  private final TokenCounter tokenCounter;
  private final int contextBudgetTokens;
  private final boolean mergeConsecutiveRoles;
  // Rendered text, memoized: the system message per spec by equality, history entries by instance.
  private final RenderCache<AgentSpec, RenderedSystem> systems = new RenderCache<>(256, 4_000_000);
  private final RenderCache<Identity, RenderedEntry> entries = new RenderCache<>(16_384, 8_000_000);

  private PromptBuilder(Builder builder) {
    this.tokenCounter = builder.tokenCounter;
    this.contextBudgetTokens = builder.contextBudgetTokens;
    this.mergeConsecutiveRoles = builder.mergeConsecutiveRoles;
  }

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
   * @param active the entry the turn answers: the interaction event, or for a continuation turn its
   *     tool results (which become the request's {@link LlmRequest#OPTION_TOOL_RESULTS}); or null for
   *     a continuation turn whose tool results are already the last entries of {@code history}
   */
  public Prompt build(AgentSpec spec, List<HistoryEntry> history, HistoryEntry active) {
    Objects.requireNonNull(spec, "spec == null");
    Objects.requireNonNull(history, "history == null");
    RenderedSystem system = system(spec);
    RenderedEntry activeEntry = active == null ? RenderedEntry.NONE : render(active);
    int tokens = system.tokens + activeEntry.tokens;

    int size = history.size();
    int trailingResults = 0;
    if (active == null) {
      while (trailingResults < size && history.get(size - 1 - trailingResults) instanceof HistoryEntry.ToolResults) {
        trailingResults++;
      }
    }

    // Newest first, at most historyLimit entries (more only for a continuation's tool results).
    int limit = Math.max(spec.historyLimit(), trailingResults);
    RenderedEntry[] included = new RenderedEntry[Math.min(size, limit)];
    int count = 0;
    int budgetLeft = contextBudgetTokens - tokens;
    int messageCount = 1 + activeEntry.messages.length;
    for (int i = size - 1; i >= 0 && count < included.length; i--) {
      boolean forced = i >= size - trailingResults;
      if (!forced && count >= spec.historyLimit()) {
        break;
      }
      RenderedEntry entry = render(Objects.requireNonNull(history.get(i), "history element == null"));
      if (!forced && entry.tokens > budgetLeft) {
        break;
      }
      budgetLeft -= entry.tokens;
      tokens += entry.tokens;
      messageCount += entry.messages.length;
      included[count++] = entry;
    }

    List<ChatMessage> messages = new ArrayList<>(messageCount);
    messages.add(ChatMessage.system(system.text));
    for (int k = count - 1; k >= 0; k--) {
      Collections.addAll(messages, included[k].messages);
    }
    Collections.addAll(messages, activeEntry.messages);
    if (mergeConsecutiveRoles) {
      messages = merge(messages);
    }

    LlmRequest.Builder request = LlmRequest.builder()
        .messages(messages)
        .model(spec.llm().model())
        .temperature(spec.llm().temperature())
        .maxTokens(spec.llm().maxTokens());
    if (spec.llm().provider() != null) {
      request.option(LlmRequest.OPTION_PROVIDER, spec.llm().provider());
    }
    request.option(LlmRequest.OPTION_AGENT_SPEC, spec);
    if (active instanceof HistoryEntry.Event event) {
      request.option(LlmRequest.OPTION_ACTIVE_EVENT, event.event());
    }
    List<ToolResult> toolResults = toolResults(history, trailingResults, active);
    if (!toolResults.isEmpty()) {
      request.option(LlmRequest.OPTION_TOOL_RESULTS, toolResults);
    }
    return new Prompt(request.build(), new TurnEvent.PromptStats(messages.size(), count, size - count, tokens));
  }

  /** The system message alone: the character dossier, the output contract, the instructions. */
  public String systemPrompt(AgentSpec spec) {
    return system(Objects.requireNonNull(spec, "spec == null")).text;
  }

  private RenderedSystem system(AgentSpec spec) {
    RenderedSystem cached = systems.get(spec);
    if (cached == null) {
      String text = Dossier.systemPrompt(spec);
      cached = new RenderedSystem(text, tokenCounter.count(text));
      systems.put(spec, cached, text.length());
    }
    return cached;
  }

  private RenderedEntry render(HistoryEntry entry) {
    Identity key = new Identity(entry);
    RenderedEntry rendered = entries.get(key);
    if (rendered == null) {
      List<ChatMessage> messages = new ArrayList<>(2);
      HistoryRenderer.render(entry, messages);
      int tokens = 0;
      int chars = 0;
      for (ChatMessage message : messages) {
        tokens += tokenCounter.count(message.content());
        chars += message.content().length();
      }
      rendered = new RenderedEntry(messages.toArray(new ChatMessage[0]), tokens);
      entries.put(key, rendered, chars);
    }
    return rendered;
  }

  /** The results a turn answers: {@code active}'s, or for a continuation the trailing history's. */
  private static List<ToolResult> toolResults(List<HistoryEntry> history, int trailing, HistoryEntry active) {
    if (active instanceof HistoryEntry.ToolResults results) {
      return results.results();
    }
    if (trailing == 0) {
      return List.of();
    }
    List<ToolResult> results = new ArrayList<>();
    for (int i = history.size() - trailing; i < history.size(); i++) {
      results.addAll(((HistoryEntry.ToolResults) history.get(i)).results());
    }
    return List.copyOf(results);
  }

  /** Joins consecutive messages of one role with a blank line, so roles alternate. */
  private static List<ChatMessage> merge(List<ChatMessage> messages) {
    List<ChatMessage> merged = new ArrayList<>(messages.size());
    StringBuilder run = null;
    ChatMessage first = null;
    for (ChatMessage m : messages) {
      if (first != null && first.role() == m.role()) {
        if (run == null) {
          run = new StringBuilder(first.content());
        }
        run.append("\n\n").append(m.content());
        continue;
      }
      flush(merged, first, run);
      first = m;
      run = null;
    }
    flush(merged, first, run);
    return merged;
  }

  private static void flush(List<ChatMessage> merged, ChatMessage first, StringBuilder run) {
    if (first != null) {
      merged.add(run == null ? first : new ChatMessage(first.role(), run.toString()));
    }
  }

  private record RenderedSystem(String text, int tokens) {}

  /** An entry's messages, in order, and their token estimate. */
  private record RenderedEntry(ChatMessage[] messages, int tokens) {
    static final RenderedEntry NONE = new RenderedEntry(new ChatMessage[0], 0);
  }

  /**
   * A history entry as a key by instance. Entries are immutable and a session hands the same
   * instances to every turn (the active event included, which is history on the next turn), so each
   * is rendered once; identity avoids hashing the entries' content.
   */
  private record Identity(HistoryEntry entry) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.entry == entry;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(entry);
    }
  }

  /** Configures a {@link PromptBuilder}. Not thread-safe. */
  public static final class Builder {
    private TokenCounter tokenCounter = TokenCounter.charsOver4();
    private int contextBudgetTokens = DEFAULT_CONTEXT_BUDGET_TOKENS;
    private boolean mergeConsecutiveRoles = true;

    Builder() {}

    public Builder tokenCounter(TokenCounter counter) {
      this.tokenCounter = Objects.requireNonNull(counter, "counter == null");
      return this;
    }

    /** The most estimated tokens a prompt may use, system message included. */
    public Builder contextBudgetTokens(int budget) {
      if (budget <= 0) {
        throw new IllegalArgumentException("contextBudgetTokens must be positive: " + budget);
      }
      this.contextBudgetTokens = budget;
      return this;
    }

    /** Whether consecutive messages of one role are merged, for models that require alternation. */
    public Builder mergeConsecutiveRoles(boolean merge) {
      this.mergeConsecutiveRoles = merge;
      return this;
    }

    public PromptBuilder build() {
      return new PromptBuilder(this);
    }
  }
}
