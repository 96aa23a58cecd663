package dev.gameagent.examples.quickstart;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RoutingLlmClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The README's "Embed the engine in a JVM game server", whole and runnable: an engine, a session
 * whose state provider answers from the game, an {@link NpcTurns} listener that shows the answer,
 * runs tool calls and confirms turns, and two things the player says to Brom, the second of which
 * makes him use a tool. The README's code is copied from this file, and a test keeps the two equal.
 */
public final class QuickStart {
  private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

  private QuickStart() {}

  public static void main(String[] args) throws Exception {
    RoutingLlmClient llm = LlmClients.create(LlmConfig.fromEnvironment(System.getenv())); // offline without a key
    // The client holds connections and threads, the engine a timer: close both when the game server stops.
    try (llm) {
      play(llm, new NorthGate(System.out), System.out);
    }
  }

  /** Plays the quick start on {@code llm}; returns the session, for a look at Brom's memory. */
  static GameSession play(LlmClient llm, NorthGate game, PrintStream out) throws Exception {
    AgentEngine engine = AgentEngine.builder().llmClient(llm).build();
    try (engine) {
      NpcTurns npcs = new NpcTurns(game); // your TurnListener: shows the answer, runs tools, confirms turns
      out.println("-- The player walks up to the north gate.");
      GameSession session = engine.openSession(null,
          request -> CompletableFuture.completedFuture(game.specOf(request.agentId())), // the NPC as it is now
          npcs);
      npcs.attach(session);
      session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello there!"));

      game.awaitAnswer(NorthGate.BROM, ANSWER_TIMEOUT);
      out.println("-- The player asks Brom to look for the gate key.");
      session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Check inventory for the gate key."));
      game.awaitAnswer(NorthGate.BROM, ANSWER_TIMEOUT);
      session.shutdown();
      return session;
    }
  }
}
