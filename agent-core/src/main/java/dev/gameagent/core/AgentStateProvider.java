package dev.gameagent.core;

import java.util.concurrent.CompletionStage;

/**
 * Supplies an agent's current spec before each turn: the game owns the NPC. The engine applies the
 * state timeout itself; a provider only completes (or fails) the stage when the game answers.
 * Called from engine threads; must not block.
 */
public interface AgentStateProvider {

  CompletionStage<AgentSpec> requestState(StateRequest request);
}
