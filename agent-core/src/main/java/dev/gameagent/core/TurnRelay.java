package dev.gameagent.core;

import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.parser.TagListener;
import java.util.Map;

/**
 * Connects one turn's LLM stream and tag parser to its agent. LLM callbacks arrive on the client's
 * threads and take the agent's lock; parser callbacks arrive inside {@code feed}/{@code finish},
 * which the agent calls with its lock held. A callback the agent fails to handle (a client breaking
 * the contract, say with a null completion) ends the turn as {@code internal} instead of throwing
 * into the client, which would leave the turn without its terminal event.
 */
final class TurnRelay implements LlmStreamHandler, TagListener {
  private final AgentState agent;
  private final Turn turn;

  TurnRelay(AgentState agent, Turn turn) {
    this.agent = agent;
    this.turn = turn;
  }

  @Override
  public void onText(String delta) {
    try {
      agent.onLlmText(turn, delta);
    } catch (RuntimeException | Error e) {
      agent.onInternalError(turn, "handling a text delta", e);
    }
  }

  /** Reasoning is not part of the answer, but it shows the model is alive (see the idle watchdog). */
  @Override
  public void onReasoning(String delta) {
    agent.onLlmReasoning(turn);
  }

  @Override
  public void onComplete(LlmCompletion completion) {
    try {
      agent.onLlmComplete(turn, completion);
    } catch (RuntimeException | Error e) {
      agent.onInternalError(turn, "handling the completion", e);
    }
  }

  @Override
  public void onError(LlmException error) {
    try {
      agent.onLlmError(turn, error);
    } catch (RuntimeException | Error e) {
      agent.onInternalError(turn, "handling the stream's error", e);
    }
  }

  @Override
  public void onOpen(int index, String tag, Map<String, String> attributes) {
    agent.onTagOpen(turn, index, tag, attributes);
  }

  @Override
  public void onChunk(int index, String tag, String text) {
    agent.onTagChunk(turn, index, tag, text);
  }

  @Override
  public void onClose(int index, String tag, String content, boolean complete) {
    agent.onTagClose(turn, index, tag, content, complete);
  }
}
