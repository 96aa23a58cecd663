/**
 * The quick start of the README for a JVM game server: {@link dev.gameagent.examples.quickstart.QuickStart}
 * embeds the engine, {@link dev.gameagent.examples.quickstart.NpcTurns} is the turn listener every
 * embedding game needs (speech as it streams, tool calls, confirmed turns), and
 * {@link dev.gameagent.examples.quickstart.Game} is the seam to the game's own code.
 */
package dev.gameagent.examples.quickstart;
