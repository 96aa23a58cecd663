/**
 * The game agent WebSocket server: protocol v1 on {@code /ws}, health on {@code /health}, built on
 * Netty. {@link dev.gameagent.server.AgentServer} runs it in-process (configured with a
 * {@link dev.gameagent.server.ServerConfig}); {@link dev.gameagent.server.Main} is the executable
 * jar's entry point. Everything else in this package is implementation.
 */
package dev.gameagent.server;
