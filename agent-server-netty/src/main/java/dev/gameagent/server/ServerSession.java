package dev.gameagent.server;

import dev.gameagent.core.GameSession;

/** A session the server holds: the engine's game session, the count of its agents and their logged specs. */
record ServerSession(GameSession game, AgentLimit agents, LoggedSpecs specs) {}
