/**
 * Example 2, a game talking to the bundled server over WebSocket:
 * {@link dev.gameagent.examples.console.ConsoleGameClient} lets you talk to Brom from a terminal, and
 * shows every message a game client sends and answers.
 */
package dev.gameagent.examples.console;
