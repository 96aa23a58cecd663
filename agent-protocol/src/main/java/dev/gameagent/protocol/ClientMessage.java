package dev.gameagent.protocol;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.ToolResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message from the game to the server, decoded and validated by {@link ProtocolCodec#decode}. One
 * record per client message type of protocol v1; every id a record carries has been validated, and
 * every event is in canonical form. The records are immutable.
 */
public sealed interface ClientMessage {

  /** The message's wire {@code type}, e.g. {@code interaction_event}; what an error's {@code in_reply_to} names. */
  String type();

  /**
   * {@code ping}: answered by {@code pong} with the same {@code id}.
   *
   * @param id a {@link String} or a {@link Number} exactly as sent, echoed unchanged; null when absent
   */
  record Ping(Object id) implements ClientMessage {
    public static final String TYPE = "ping";

    public Ping {
      if (id != null && !(id instanceof String) && !(id instanceof Number)) {
        throw new IllegalArgumentException("id must be a String or a Number: " + id.getClass().getName());
      }
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** {@code interaction_event}: starts a turn for the agent, under the event's {@code on_busy} rule. */
  record InteractionEventMessage(String agentId, InteractionEvent event) implements ClientMessage {
    public static final String TYPE = "interaction_event";

    public InteractionEventMessage {
      Objects.requireNonNull(agentId, "agentId == null");
      Objects.requireNonNull(event, "event == null");
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code notification_event}: adds the event to each agent's history as context.
   *
   * @param agentIds one or more distinct agent ids, in the order sent ({@code agent_id} first)
   */
  record NotificationEventMessage(List<String> agentIds, InteractionEvent event) implements ClientMessage {
    public static final String TYPE = "notification_event";

    public NotificationEventMessage {
      agentIds = List.copyOf(agentIds);
      Objects.requireNonNull(event, "event == null");
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code agent_state_snapshot}: the agent's runtime spec, answering {@code get_agent_state} (or,
   * without a {@code request_id} that matches one, replacing the cached spec).
   *
   * @param requestId the {@code request_id} of the {@code get_agent_state} it answers, or null
   * @param state the spec as a tree of maps, lists and scalars, in the order sent
   */
  record AgentStateSnapshot(String agentId, String requestId, Map<String, Object> state) implements ClientMessage {
    public static final String TYPE = "agent_state_snapshot";

    public AgentStateSnapshot {
      Objects.requireNonNull(agentId, "agentId == null");
      state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
    }

    @Override
    public String type() {
      return TYPE;
    }

    /**
     * Builds the agent spec from {@link #state()}.
     *
     * @throws ProtocolException {@code invalid_field} (or {@code missing_field} for a missing
     *     {@code name}) naming the field, with this message's agent and request ids
     */
    public AgentSpec spec() {
      try {
        return AgentSpec.fromMap(state);
      } catch (IllegalArgumentException e) {
        // The spec's messages start with the field's path ("output_tags[0].name must be ..."): put it under state.
        String problem = String.valueOf(e.getMessage());
        int space = problem.indexOf(' ');
        String path = space > 0 && problem.substring(0, space).matches("[A-Za-z0-9_.\\[\\]]+")
            ? problem.substring(0, space)
            : null;
        ErrorCode code = state.get("name") == null && "name".equals(path) ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD;
        String field = path == null ? "state" : "state." + path;
        String message = path == null ? "state: " + problem : "state." + problem;
        throw new ProtocolException(code, field, message, TYPE, agentId, null, requestId);
      }
    }
  }

  /**
   * {@code agent_turn_result}: what the game performed for a turn. Exactly one of {@code tags} and
   * {@code buffer} is non-null; when a message carries both, {@code tags} wins.
   *
   * @param tags the tags performed, in order, or null when the result came as {@code buffer}
   * @param buffer the raw tagged text, or null when the result came as {@code tags}
   */
  record AgentTurnResult(String agentId, String turnId, List<ConfirmedTag> tags, String buffer, boolean interrupted)
      implements ClientMessage {
    public static final String TYPE = "agent_turn_result";

    public AgentTurnResult {
      Objects.requireNonNull(agentId, "agentId == null");
      Objects.requireNonNull(turnId, "turnId == null");
      if ((tags == null) == (buffer == null)) {
        throw new IllegalArgumentException("exactly one of tags and buffer must be non-null");
      }
      tags = tags == null ? null : List.copyOf(tags);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** {@code tool_results}: the results of a turn's tool calls, in the order sent. */
  record ToolResultsMessage(String agentId, String turnId, List<ToolResult> results) implements ClientMessage {
    public static final String TYPE = "tool_results";

    public ToolResultsMessage {
      Objects.requireNonNull(agentId, "agentId == null");
      Objects.requireNonNull(turnId, "turnId == null");
      results = List.copyOf(results);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * {@code cancel_turn}: ends the agent's active turn, or the named one.
   *
   * @param turnId the turn to cancel, or null for whatever turn is active
   */
  record CancelTurn(String agentId, String turnId) implements ClientMessage {
    public static final String TYPE = "cancel_turn";

    public CancelTurn {
      Objects.requireNonNull(agentId, "agentId == null");
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** {@code reset_agent}: cancels the agent's turn and forgets its history and cached spec. */
  record ResetAgent(String agentId) implements ClientMessage {
    public static final String TYPE = "reset_agent";

    public ResetAgent {
      Objects.requireNonNull(agentId, "agentId == null");
    }

    @Override
    public String type() {
      return TYPE;
    }
  }
}
