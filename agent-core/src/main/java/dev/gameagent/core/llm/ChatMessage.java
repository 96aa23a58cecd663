package dev.gameagent.core.llm;

import java.util.Objects;

/** One message of a chat prompt. */
public record ChatMessage(Role role, String content) {

  /** Who speaks a message. Tool results are rendered as {@link #USER} text, never a tool role. */
  public enum Role {
    SYSTEM, USER, ASSISTANT;

    /** The role's wire name: {@code system}, {@code user}, {@code assistant}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ChatMessage {
    Objects.requireNonNull(role, "role == null");
    Objects.requireNonNull(content, "content == null");
  }

  public static ChatMessage system(String content) {
    return new ChatMessage(Role.SYSTEM, content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage(Role.USER, content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage(Role.ASSISTANT, content);
  }
}
