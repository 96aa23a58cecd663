package dev.gameagent.examples.quickstart;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gameagent.core.AgentRequestException;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.GameSession;
import dev.gameagent.core.ToolResult;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.TurnListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TurnListener} every embedding game needs, in its smallest complete form: it shows
 * speech as it streams, plays the other tags as they close, runs tool calls and hands their results
 * back, and confirms every turn with what the player actually saw, which is what the NPC will
 * remember.
 *
 * <p>Threading: the engine calls {@link #onEvent} from its threads, one turn's events in order, and
 * different agents' turns interleaved; the per-turn state is therefore keyed by agent and turn.
 */
public final class NpcTurns implements TurnListener {
  private static final Logger log = LoggerFactory.getLogger(NpcTurns.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() {};

  private final Game game;
  private final ConcurrentMap<String, Shown> turns = new ConcurrentHashMap<>();
  private volatile GameSession session;

  public NpcTurns(Game game) {
    this.game = Objects.requireNonNull(game, "game == null");
  }

  /** The session to confirm turns with; call it before the first event. */
  public void attach(GameSession session) {
    this.session = Objects.requireNonNull(session, "session == null");
  }

  @Override
  public void onEvent(TurnEvent event) {
    String key = event.agentId() + "\u0000" + event.turnId();
    Shown shown = turns.computeIfAbsent(key, k -> new Shown());
    if (event instanceof TurnEvent.Started) {
      shown.started = true;
    } else if (event instanceof TurnEvent.TagOpen open) {
      shown.open = open;
      shown.text.setLength(0);
    } else if (event instanceof TurnEvent.TagChunk chunk) {
      shown.text.append(chunk.text());
      if (chunk.tag().equals("speech")) {
        game.showSpeech(chunk.agentId(), chunk.text()); // the player reads it while the model writes
      }
    } else if (event instanceof TurnEvent.TagClose close) {
      ConfirmedTag tag = new ConfirmedTag(close.tag(), shown.open.attributes(), close.content());
      shown.tags.add(tag);
      shown.open = null;
      if (!tag.tag().equals("speech") && !tag.tag().equals("tool_call")) {
        game.perform(close.agentId(), tag); // an emotion, an action
      }
    } else if (event.terminal()) {
      turns.remove(key);
      if (session == null) {
        // Without the session nothing can be confirmed, and the NPC would silently forget the turn.
        throw new IllegalStateException("NpcTurns.attach(session) was not called before the first turn ended");
      }
      end(event, shown);
    }
  }

  private void end(TurnEvent terminal, Shown shown) {
    String agentId = terminal.agentId();
    if (terminal instanceof TurnEvent.Finished f && f.error() != null) {
      // No spec (state_timeout, internal) or a model failure (llm_error, with the provider's HTTP status).
      log.warn("turn failed agent={} turn={} code={} status={}: {}", agentId, f.turnId(),
          f.error().code().wireName(), f.error().status(), f.error().message());
    }
    if (terminal instanceof TurnEvent.Finished finished && finished.finishReason().equals("tool_calls")) {
      // The results confirm this turn (with the tags that were sent) and start the NPC's next one.
      try {
        session.submitToolResults(agentId, terminal.turnId(), runTools(agentId, shown.tags));
        return;
      } catch (AgentRequestException e) {
        log.warn("tool results refused agent={} turn={}: {}", agentId, terminal.turnId(), e.getMessage());
      }
    } else if (shown.started) {
      boolean interrupted = terminal instanceof TurnEvent.Interrupted;
      if (interrupted && shown.open != null && shown.text.length() > 0) {
        // The first words of an answer that was cut off were seen: they belong in the NPC's memory.
        shown.tags.add(new ConfirmedTag(shown.open.tag(), shown.open.attributes(), shown.text.toString()));
      }
      try {
        session.confirmTurn(agentId, terminal.turnId(), shown.tags, interrupted);
      } catch (AgentRequestException e) {
        // resetAgent forgets the agent's turns before their interruption arrives: nothing left to confirm.
        log.debug("turn not confirmed agent={} turn={}: {}", agentId, terminal.turnId(), e.getMessage());
      }
    }
    // A turn superseded by a newer event is not the NPC's last word: the newer turn will be.
    if (!(terminal instanceof TurnEvent.Interrupted i && i.reason() == TurnEvent.InterruptReason.SUPERSEDED)) {
      game.answered(agentId, terminal.turnId());
    }
  }

  private List<ToolResult> runTools(String agentId, List<ConfirmedTag> tags) {
    List<ToolResult> results = new ArrayList<>();
    for (ConfirmedTag call : tags) {
      if (!call.tag().equals("tool_call")) {
        continue;
      }
      String name = call.attributes().get("name");
      String callId = call.attributes().get("call_id");
      try {
        // The engine only sends a tool call whose arguments are a JSON object for a declared tool.
        Object output = game.runTool(agentId, name, JSON.readValue(call.content(), ARGUMENTS));
        results.add(new ToolResult(callId, name, output, false));
      } catch (Exception e) {
        results.add(new ToolResult(callId, name, Map.of("error", String.valueOf(e.getMessage())), true));
      }
    }
    return results;
  }

  /** What the player has seen of one turn so far. */
  private static final class Shown {
    final List<ConfirmedTag> tags = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    TurnEvent.TagOpen open;
    boolean started;
  }
}
