package dev.gameagent.llm.internal;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.ToolResult;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What the offline model answers: the character, the event (its text, who said it, its kind) or,
 * for a continuation (a request with tool results and no event), the tool results. Read from the
 * request's structured options; without an event, the last user message stands for it.
 *
 * @param source who caused the event, or null
 * @param toolResults the results a continuation answers; empty for a fresh turn
 */
record OfflineTurn(OfflineCharacter character, String text, String source, String kind, List<ToolResult> toolResults) {

  OfflineTurn {
    text = text == null ? "" : text;
    kind = kind == null ? "event" : kind;
    toolResults = List.copyOf(toolResults);
  }

  static OfflineTurn of(LlmRequest request) {
    Object spec = request.options().get(LlmRequest.OPTION_AGENT_SPEC);
    OfflineCharacter character = spec instanceof AgentSpec s ? OfflineCharacter.of(s) : OfflineCharacter.anonymous();
    List<ToolResult> results = new ArrayList<>();
    if (request.options().get(LlmRequest.OPTION_TOOL_RESULTS) instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof ToolResult r) {
          results.add(r);
        }
      }
    }
    if (request.options().get(LlmRequest.OPTION_ACTIVE_EVENT) instanceof InteractionEvent e) {
      // A turn with an event answers the event; only a continuation has none.
      return new OfflineTurn(character, e.text(), e.source(), e.kind(), List.of());
    }
    return new OfflineTurn(character, lastUserText(request), null, null, results);
  }

  private static String lastUserText(LlmRequest request) {
    List<ChatMessage> messages = request.messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == ChatMessage.Role.USER) {
        return messages.get(i).content();
      }
    }
    return "";
  }
}
