package dev.gameagent.core;

import java.util.Objects;

/**
 * A request to a session that cannot be honoured: an unknown turn, a duplicate result, the tool
 * loop limit, an invalid spec. Its message is safe to show to a game client.
 */
public class AgentRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public AgentRequestException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code == null");
  }

  public ErrorCode code() {
    return code;
  }
}
