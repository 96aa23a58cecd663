package dev.gameagent.examples.embedded;

import dev.gameagent.core.AgentEngine;
import dev.gameagent.core.AgentRequestException;
import dev.gameagent.core.AgentStateProvider;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OnBusy;
import dev.gameagent.core.TurnListener;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RoutingLlmClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Example 1, a JVM game server that runs NPC turns in-process: no socket, no JSON. It plays a short
 * scene with Brom, the guard of the north gate: the player greets him, night falls, the player asks
 * to be let through, and, before Brom has finished answering, threatens him, which cuts the answer
 * off and starts a new one.
 *
 * <p>The pieces a game server needs, in the order {@link #playScene} uses them:
 * <ol>
 *   <li>an {@link LlmClient}: {@code LlmClients.create} picks it from the environment
 *       ({@code OPENAI_API_KEY}, {@code OPENAI_API_BASE}, {@code LLM_PROVIDER}, ...); with nothing
 *       set it is the offline default model, so this example runs anywhere;
 *   <li>one {@link AgentEngine} for the whole server;
 *   <li>a {@link GameSession} per game, opened with an {@link AgentStateProvider} that answers from
 *       the game's world model ({@link TownWorld}) and a {@link TurnListener} that plays the
 *       answers ({@link NpcPresenter});
 *   <li>{@link GameSession#interact} for each thing the player does to an NPC,
 *       {@link GameSession#notify} for what the NPC should only know about, and
 *       {@link GameSession#confirmTurn} (done by the presenter) for what the player actually saw.
 * </ol>
 *
 * <p>Run it with {@code mvn -q -pl examples exec:java}; see {@code examples/README.md}.
 */
public final class EmbeddedGameServer {
  private static final String BROM = TownWorld.BROM;
  /** A real model can be slow; the offline one answers in a second or two. */
  private static final Duration TURN_TIMEOUT = Duration.ofMinutes(2);

  private EmbeddedGameServer() {}

  public static void main(String[] args) throws Exception {
    LlmConfig config = LlmConfig.fromEnvironment(System.getenv());
    System.out.println("-- LLM: " + LlmClients.describe(config));
    boolean timedOut = false;
    // The client holds HTTP connections and threads: close it when the game server stops.
    try (RoutingLlmClient llm = LlmClients.create(config)) {
      playScene(llm, System.out, event -> {});
    } catch (TimeoutException e) {
      System.err.println("Brom took longer than " + TURN_TIMEOUT.toSeconds() + " s to answer; is the model reachable?");
      timedOut = true;
    }
    if (timedOut) {
      System.exit(1);
    }
  }

  /**
   * Plays the scene on {@code llm}, printing it to {@code out}.
   *
   * @param spectator also receives every turn event (a game would pass its logger or replay recorder)
   * @return Brom's history at the end of the scene: the events and the turns as confirmed
   * @throws TimeoutException when a turn takes longer than two minutes
   */
  static List<HistoryEntry> playScene(LlmClient llm, PrintStream out, TurnListener spectator) throws Exception {
    TownWorld world = new TownWorld();
    NpcPresenter presenter = new NpcPresenter(world, out, spectator);

    // The engine is thread-safe and serves every session; close it when the server stops.
    try (AgentEngine engine = AgentEngine.builder().llmClient(llm).build()) {
      // Before each turn the engine asks the game for the NPC's spec. This game answers at once from
      // its world model; a game that must ask its main thread completes the future later.
      AgentStateProvider state = request -> BROM.equals(request.agentId())
          ? CompletableFuture.completedFuture(world.bromSpec())
          : CompletableFuture.failedFuture(new AgentRequestException(ErrorCode.INVALID_FIELD, "no NPC " + request.agentId()));
      GameSession session = engine.openSession(null, state, presenter);
      presenter.attach(session);

      out.println("-- Evening. The player walks up to the north gate.");
      String greeting = session.interact(BROM, event(session, "player", "player_greeted", "Good evening, guard!", Map.of()));
      presenter.awaitEnd(BROM, greeting, TURN_TIMEOUT);

      out.println("-- Night falls and a cold rain begins. Brom takes up his post at the gate.");
      world.nightFalls();
      // A notification is context only: Brom will know it happened, but it starts no answer.
      session.notify(List.of(BROM), event(session, "world", "world_event", "Night has fallen and it is raining.", Map.of()));

      out.println("-- The player asks to be let through, and loses patience before Brom has finished.");
      String question = session.interact(BROM,
          event(session, "player", "player_asked", "Could you open the gate? I must reach the mill before midnight.", Map.of()));
      // Wait until Brom is a few words in, so the threat below cuts his answer off mid-sentence.
      presenter.midSpeech(BROM, question).get(TURN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

      // on_busy "interrupt" (the default): the answer in progress ends (reason superseded), its
      // model call is cancelled, and Brom answers the threat instead.
      String threat = session.interact(BROM,
          event(session, "player", "player_threatened", "Open it now, or I'll cut my way through!", Map.of("weapon", "dagger")));
      presenter.awaitEnd(BROM, question, TURN_TIMEOUT);
      presenter.awaitEnd(BROM, threat, TURN_TIMEOUT);

      out.println("-- " + world.describeBrom());
      List<HistoryEntry> history = session.history(BROM);
      out.println("-- What Brom remembers:");
      history.forEach(entry -> out.println("   " + describe(entry)));
      session.shutdown();
      return history;
    }
  }

  /** An event aimed at Brom; as an interaction it interrupts an answer in progress. */
  private static InteractionEvent event(GameSession session, String source, String kind, String text,
      Map<String, Object> data) {
    return new InteractionEvent(session.newEventId(), kind, source, BROM, text, Instant.now(), OnBusy.INTERRUPT, data);
  }

  private static String describe(HistoryEntry entry) {
    if (entry instanceof HistoryEntry.Event e) {
      return e.disposition().name().toLowerCase(Locale.ROOT) + " " + e.event().kind() + ": " + e.event().text();
    }
    if (entry instanceof HistoryEntry.Turn t) {
      String tags = t.tags().stream().map(EmbeddedGameServer::describe).collect(Collectors.joining(" "));
      return "Brom" + (t.interrupted() ? " (cut off)" : "") + ": " + tags;
    }
    return entry.toString();
  }

  private static String describe(ConfirmedTag tag) {
    String name = tag.attributes().get("name");
    return "<" + tag.tag() + (name != null ? " " + name : "") + ">" + tag.content();
  }
}
