package dev.gameagent.server;

import dev.gameagent.core.AgentSpec;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The spec last written to one session's logs for each of its agents, so that a spec is logged only
 * when it changes: the game sends it before every turn, mostly unchanged. The logged specs are what
 * a resume after a restart restores as the agents' cached specs. Thread-safe; it outlives
 * connections like its session.
 */
final class LoggedSpecs {
  private final ConcurrentMap<String, AgentSpec> last = new ConcurrentHashMap<>();

  /** Remembers {@code spec} as the agent's logged spec; returns whether it differs from the previous one. */
  boolean replace(String agentId, AgentSpec spec) {
    return !spec.equals(last.put(agentId, spec));
  }

  /** The agent was reset: its next spec is logged whatever it is. */
  void forget(String agentId) {
    last.remove(agentId);
  }
}
