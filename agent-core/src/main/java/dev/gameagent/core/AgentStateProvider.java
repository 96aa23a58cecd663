package dev.gameagent.core;

import java.util.concurrent.CompletionStage;

/**
 * Supplies an agent's current spec before each turn: the game owns the NPC. The engine applies the
 * state timeout itself; a provider only completes (or fails) the stage when the game answers.
 * Called from engine threads, never with an engine lock held; must not block.
 *
 * <p>When a stage fails, or completes with null, the turn runs on the agent's last spec; with no
 * spec cached, a stage failed with an {@link AgentRequestException} (say, an invalid snapshot) ends
 * the turn with that error code, any other failure or a null spec with {@code internal}. When the
 * engine no longer needs an answer (the turn ended or timed out) it cancels the stage if it is a
 * {@link java.util.concurrent.CompletableFuture}, so a provider tracking pending requests can forget
 * it; a later {@code complete} on it is harmless.
 */
public interface AgentStateProvider {

  CompletionStage<AgentSpec> requestState(StateRequest request);
}
