package dev.gameagent.examples.quickstart;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import java.util.Map;

/**
 * What the engine needs from a game, and what the game does with an NPC's answer: the seam between
 * {@link NpcTurns} and your own game code.
 *
 * <p>Threading: every method is called from engine threads (never the game's main thread), one
 * turn's calls in order; implementations must be thread-safe and must not block. A game with a
 * single-threaded scene hands the work to its main loop.
 */
public interface Game {

  /** The NPC's spec as the world is now; asked before every turn. */
  AgentSpec specOf(String agentId);

  /** A piece of the NPC's speech, shown as it streams. */
  void showSpeech(String agentId, String text);

  /** A closed tag other than speech and tool calls: an emotion, an action. */
  void perform(String agentId, ConfirmedTag tag);

  /**
   * Runs one of the NPC's declared tools and returns its result as maps, lists and scalars.
   *
   * @throws RuntimeException when the tool fails; the NPC is told it failed
   */
  Object runTool(String agentId, String name, Map<String, Object> arguments);

  /** The NPC has finished answering: its last turn ended and was confirmed. */
  void answered(String agentId, String turnId);
}
