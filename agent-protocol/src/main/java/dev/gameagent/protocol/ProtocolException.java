package dev.gameagent.protocol;

import dev.gameagent.core.AgentRequestException;
import dev.gameagent.core.ErrorCode;

/**
 * A client message the codec could not accept: malformed JSON, a missing or invalid field, an
 * unknown type. Its message names the offending field and is safe to send to the game; it never
 * contains Jackson's internals.
 *
 * <p>Besides the {@linkplain #code() error code} it carries what could be read of the message before
 * the problem was found, so the {@code error} frame can name it: {@link #inReplyTo()} (the message's
 * {@code type}), {@link #agentId()}, {@link #turnId()}, {@link #requestId()}; each may be null.
 * {@link ProtocolCodec#error(ProtocolException)} encodes the matching frame.
 */
public final class ProtocolException extends AgentRequestException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String inReplyTo;
  private final String agentId;
  private final String turnId;
  private final String requestId;

  ProtocolException(ErrorCode code, String field, String message, String inReplyTo, String agentId,
      String turnId, String requestId) {
    super(code, message);
    this.field = field;
    this.inReplyTo = inReplyTo;
    this.agentId = agentId;
    this.turnId = turnId;
    this.requestId = requestId;
  }

  /** The offending field's path as the client spelled it, e.g. {@code event.ts} or {@code tags[1].tag}; null when no field is to blame. */
  public String field() {
    return field;
  }

  /** The {@code type} of the message this answers, or null when it could not be read. */
  public String inReplyTo() {
    return inReplyTo;
  }

  /** The message's valid {@code agent_id}, or null. */
  public String agentId() {
    return agentId;
  }

  /** The message's {@code turn_id}, or null. */
  public String turnId() {
    return turnId;
  }

  /** The message's {@code request_id}, or null. */
  public String requestId() {
    return requestId;
  }
}
