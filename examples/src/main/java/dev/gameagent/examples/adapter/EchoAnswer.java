package dev.gameagent.examples.adapter;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OutputTag;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What the echo model answers: the text of the event the turn answers, repeated inside the spec's
 * first free-text tag ({@code <speech>You said: hello</speech>}), cut into the pieces it streams.
 *
 * <p>A real adapter sends {@link LlmRequest#messages()} to its model; the structured options
 * ({@link LlmRequest#OPTION_AGENT_SPEC}, {@link LlmRequest#OPTION_ACTIVE_EVENT}) are there for an
 * adapter like this one that does not read prose.
 */
final class EchoAnswer {
  private static final String FALLBACK_TAG = "speech";

  private EchoAnswer() {}

  /** The answer as stream pieces: the open tag, one piece per word (with its trailing space), the close tag. */
  static List<String> pieces(LlmRequest request) {
    String tag = speechTag(request.options().get(LlmRequest.OPTION_AGENT_SPEC));
    String heard = heardText(request);
    String sentence = heard.isBlank() ? "You said nothing." : "You said: " + heard.strip();
    List<String> pieces = new ArrayList<>();
    pieces.add("<" + tag + ">");
    String[] words = escape(sentence).split("\\s+");
    for (int i = 0; i < words.length; i++) {
      pieces.add(i < words.length - 1 ? words[i] + " " : words[i]);
    }
    pieces.add("</" + tag + ">");
    return pieces;
  }

  /** The prompt's size in words, the echo model's idea of prompt tokens. */
  static int promptWords(LlmRequest request) {
    int words = 0;
    for (ChatMessage message : request.messages()) {
      String content = message.content().strip();
      words += content.isEmpty() ? 0 : content.split("\\s+").length;
    }
    return words;
  }

  /** The event's text, else (a continuation turn has no event) the last user message. */
  private static String heardText(LlmRequest request) {
    if (request.options().get(LlmRequest.OPTION_ACTIVE_EVENT) instanceof InteractionEvent event) {
      return event.text();
    }
    List<ChatMessage> messages = request.messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == ChatMessage.Role.USER) {
        return messages.get(i).content();
      }
    }
    return "";
  }

  /** The first declared tag that holds free text; {@code speech} when the spec is unknown or has none. */
  private static String speechTag(Object spec) {
    if (spec instanceof AgentSpec agentSpec) {
      for (OutputTag tag : agentSpec.outputTags()) {
        if (tag.values().isEmpty() && !tag.selfClosing()) {
          return tag.name();
        }
      }
    }
    return FALLBACK_TAG;
  }

  /** Escapes what the tag parser would read as markup, so the echo is always plain text. */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;");
  }
}
