package dev.gameagent.server;

import dev.gameagent.protocol.ClientMessage;

/** The ids an {@code error} names for the message it answers; every field may be null. */
record MessageIds(String type, String agentId, String turnId, String requestId) {
  private static final MessageIds NONE = new MessageIds(null, null, null, null);

  static MessageIds of(ClientMessage m) {
    if (m == null) {
      return NONE;
    }
    if (m instanceof ClientMessage.InteractionEventMessage e) {
      return new MessageIds(m.type(), e.agentId(), null, null);
    }
    if (m instanceof ClientMessage.NotificationEventMessage e) {
      return new MessageIds(m.type(), e.agentIds().size() == 1 ? e.agentIds().get(0) : null, null, null);
    }
    if (m instanceof ClientMessage.AgentStateSnapshot e) {
      return new MessageIds(m.type(), e.agentId(), null, e.requestId());
    }
    if (m instanceof ClientMessage.AgentTurnResult e) {
      return new MessageIds(m.type(), e.agentId(), e.turnId(), null);
    }
    if (m instanceof ClientMessage.ToolResultsMessage e) {
      return new MessageIds(m.type(), e.agentId(), e.turnId(), null);
    }
    if (m instanceof ClientMessage.CancelTurn e) {
      return new MessageIds(m.type(), e.agentId(), e.turnId(), null);
    }
    if (m instanceof ClientMessage.ResetAgent e) {
      return new MessageIds(m.type(), e.agentId(), null, null);
    }
    return new MessageIds(m.type(), null, null, null);
  }
}
