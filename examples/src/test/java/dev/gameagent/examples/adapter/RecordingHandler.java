package dev.gameagent.examples.adapter;

import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An {@link LlmStreamHandler} that records every callback as a trace line ({@code text:<speech>},
 * {@code complete:stop}, {@code error:...}) and flags calls that overlap or follow a terminal call.
 */
class RecordingHandler implements LlmStreamHandler {
  final List<String> trace = new CopyOnWriteArrayList<>();
  /** Protocol violations seen: overlapping callbacks, callbacks after the terminal one. */
  final List<String> violations = new CopyOnWriteArrayList<>();
  private volatile boolean inCallback;
  private volatile boolean terminated;

  @Override
  public void onText(String delta) {
    enter("text:" + delta);
    try {
      text(delta);
    } finally {
      inCallback = false;
    }
  }

  /** Hook for tests that act inside {@code onText}; runs inside the callback. */
  void text(String delta) {}

  @Override
  public void onComplete(LlmCompletion completion) {
    enter("complete:" + completion.finishReason());
    terminated = true;
    inCallback = false;
  }

  @Override
  public void onError(LlmException error) {
    enter("error:" + error.getMessage());
    terminated = true;
    inCallback = false;
  }

  private void enter(String line) {
    if (inCallback) {
      violations.add("overlapping callback: " + line);
    }
    if (terminated) {
      violations.add("callback after the terminal one: " + line);
    }
    inCallback = true;
    trace.add(line);
  }

  boolean terminated() {
    return terminated;
  }

  void awaitTerminal() {
    await().atMost(Duration.ofSeconds(20)).until(this::terminated);
  }

  /** The concatenated text pieces. */
  String text() {
    return trace.stream().filter(l -> l.startsWith("text:")).map(l -> l.substring(5)).collect(Collectors.joining());
  }
}
