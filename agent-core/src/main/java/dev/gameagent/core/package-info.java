/**
 * The game agent engine: agent specs, sessions and history, prompts and turn orchestration. Depends
 * on the JDK and slf4j-api only, so a JVM game server can run NPC turns in-process.
 */
package dev.gameagent.core;
