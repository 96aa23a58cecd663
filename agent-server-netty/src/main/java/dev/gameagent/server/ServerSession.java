package dev.gameagent.server;

import dev.gameagent.core.GameSession;

/** A session the server holds: the engine's game session and the count of its agents. */
record ServerSession(GameSession game, AgentLimit agents) {}
