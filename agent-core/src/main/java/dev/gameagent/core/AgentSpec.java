package dev.gameagent.core;

import java.util.List;
import java.util.Map;

/**
 * STUB (issue 5): the runtime agent spec. Public API is fixed; the implementation is being written.
 */
public final class AgentSpec {

  private AgentSpec() {}

  /**
   * Builds a spec from a JSON-like tree (maps, lists, strings, numbers, booleans, nulls).
   *
   * @throws IllegalArgumentException naming the field, when {@code name} is missing or a known
   *     field has the wrong type
   */
  public static AgentSpec fromMap(Map<String, ?> tree) {
    throw new UnsupportedOperationException();
  }

  public String name() {
    throw new UnsupportedOperationException();
  }

  /** Every field but the output contract ones, in the order given, unknown ones included. */
  public Map<String, Object> fields() {
    throw new UnsupportedOperationException();
  }

  /** The declared output tags, or {@link OutputTag#defaults()} when none are declared. */
  public List<OutputTag> outputTags() {
    throw new UnsupportedOperationException();
  }

  /** The implicit tag for text outside every tag, or null. */
  public String defaultTag() {
    throw new UnsupportedOperationException();
  }

  public List<ToolSpec> tools() {
    throw new UnsupportedOperationException();
  }

  public LlmSettings llm() {
    throw new UnsupportedOperationException();
  }

  /** How many recent history entries a prompt may include; default 40. */
  public int historyLimit() {
    throw new UnsupportedOperationException();
  }

  /** The spec's {@code instructions}, or null. */
  public String instructions() {
    throw new UnsupportedOperationException();
  }
}
