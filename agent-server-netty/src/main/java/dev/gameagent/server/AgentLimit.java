package dev.gameagent.server;

import dev.gameagent.core.AgentRequestException;
import dev.gameagent.core.ErrorCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The agents one session has, bounded: every agent costs memory for the session's lifetime (its
 * history, spec and turns; {@code reset_agent} empties an agent but keeps it), so past the limit a
 * message that would add one is refused with {@code limit_exceeded}. Thread-safe; it outlives
 * connections like its session.
 */
final class AgentLimit {
  private final int max;
  private final Set<String> agents = new HashSet<>();

  AgentLimit(int max) {
    this.max = max;
  }

  /**
   * Counts the agents as the session's, all or none.
   *
   * @throws AgentRequestException {@code limit_exceeded} when the new ones would take the session
   *     past the limit; nothing is counted then
   */
  synchronized void admit(Collection<String> agentIds) {
    List<String> added = new ArrayList<>();
    for (String id : agentIds) {
      if (!agents.contains(id) && !added.contains(id)) {
        added.add(id);
      }
    }
    if (agents.size() + added.size() > max) {
      throw new AgentRequestException(ErrorCode.LIMIT_EXCEEDED, "this session already has " + agents.size()
          + " agents and may have at most " + max + "; the message names " + added.size() + " more");
    }
    agents.addAll(added);
  }
}
