package dev.gameagent.examples.quickstart;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.ToolSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The quick start's game: Brom at the north gate, printed to a console. He may look through his
 * inventory with the {@code check_inventory} tool. Thread-safe.
 */
final class NorthGate implements Game {
  static final String BROM = "brom";
  private static final List<String> INVENTORY = List.of("spear", "gate key", "lantern");

  private final PrintStream out;
  private final ConcurrentMap<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
  /** Guarded by this. */
  private boolean atLineStart = true;

  NorthGate(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out == null");
  }

  @Override
  public AgentSpec specOf(String agentId) {
    return AgentSpec.builder("Brom")
        .field("role", "town guard")
        .field("mood", "tired")
        .field("location", "the north gate")
        .field("inventory", INVENTORY)
        .tools(List.of(new ToolSpec("check_inventory", "Look for an item in Brom's pack",
            Map.of("type", "object", "properties", Map.of("item", Map.of("type", "string"))))))
        .instructions("Keep answers under three sentences.")
        .build();
  }

  @Override
  public synchronized void showSpeech(String agentId, String text) {
    if (atLineStart) {
      out.print("Brom: ");
      atLineStart = false;
    }
    out.print(text);
    out.flush();
  }

  @Override
  public void perform(String agentId, ConfirmedTag tag) {
    String what = tag.tag().equals("action") ? tag.attributes().getOrDefault("name", "") : tag.content();
    line("(Brom " + tag.tag() + ": " + what + ")");
  }

  @Override
  public Object runTool(String agentId, String name, Map<String, Object> arguments) {
    if (!name.equals("check_inventory")) {
      throw new IllegalArgumentException("no tool " + name);
    }
    String item = String.valueOf(arguments.get("item"));
    line("(Brom looks for the " + item + " in his pack)");
    return Map.of("item", item, "found", INVENTORY.contains(item));
  }

  @Override
  public void answered(String agentId, String turnId) {
    line("");
    answer(agentId).complete(turnId);
  }

  /** Prints {@code text} on a line of its own, ending the speech line in progress. */
  private synchronized void line(String text) {
    if (!atLineStart) {
      out.println();
      atLineStart = true;
    }
    if (!text.isEmpty()) {
      out.println("   " + text);
    }
  }

  /**
   * Waits until the NPC has finished its next answer, tool calls included.
   *
   * @return the id of the answer's last turn
   */
  String awaitAnswer(String agentId, Duration timeout) throws Exception {
    try {
      return answer(agentId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      answers.remove(agentId);
    }
  }

  private CompletableFuture<String> answer(String agentId) {
    return answers.computeIfAbsent(agentId, id -> new CompletableFuture<>());
  }
}
