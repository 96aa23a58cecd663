package dev.gameagent.core;

/** A request for an agent's current spec, made before every turn ({@code get_agent_state}). */
public record StateRequest(String sessionId, String agentId, String requestId, String eventId, String turnId) {}
