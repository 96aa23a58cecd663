/**
 * Example 1, a JVM game server that embeds the engine in-process:
 * {@link dev.gameagent.examples.embedded.EmbeddedGameServer} plays a scene with Brom the town guard,
 * whose spec comes from the game's own world model and whose answers the game plays as they stream.
 */
package dev.gameagent.examples.embedded;
