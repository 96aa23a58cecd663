package dev.gameagent.core;

import dev.gameagent.core.llm.LlmClient;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * STUB (issue 5): runs NPC turns in-process. Public API is fixed; the implementation is being
 * written.
 *
 * <p>One engine serves many {@link GameSession}s; it is thread-safe. Close it to stop its timers.
 *
 * <pre>{@code
 * AgentEngine engine = AgentEngine.builder().llmClient(client).build();
 * GameSession session = engine.openSession(null, stateProvider, listener);
 * String turnId = session.interact("brom", InteractionEvent.of(session.newEventId(), "player", "Hello"));
 * }</pre>
 */
public final class AgentEngine implements AutoCloseable {

  private AgentEngine() {}

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a session.
   *
   * @param sessionId the id to use, or null for a new unguessable one (128 random bits)
   */
  public GameSession openSession(String sessionId, AgentStateProvider stateProvider, TurnListener listener) {
    throw new UnsupportedOperationException();
  }

  /** Turns waiting for state or streaming, over every session. */
  public int activeTurnCount() {
    throw new UnsupportedOperationException();
  }

  /** Stops the engine's timers; sessions should be shut down first. */
  @Override
  public void close() {
    throw new UnsupportedOperationException();
  }

  public static final class Builder {
    Builder() {}

    /** The model every turn streams from; required. */
    public Builder llmClient(LlmClient client) {
      return this;
    }

    public Builder promptBuilder(PromptBuilder promptBuilder) {
      return this;
    }

    /** How long a turn waits for {@link AgentStateProvider}; default 5 s. */
    public Builder stateTimeout(Duration timeout) {
      return this;
    }

    /** Continuation turns allowed in a row before {@code tool_loop_limit}; default 4. */
    public Builder maxToolContinuations(int max) {
      return this;
    }

    public Builder logStore(LogStore logStore) {
      return this;
    }

    /** The scheduler for state timeouts; default a single daemon thread owned by the engine. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      return this;
    }

    public AgentEngine build() {
      return new AgentEngine();
    }
  }
}
