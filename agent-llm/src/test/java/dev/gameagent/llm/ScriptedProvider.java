package dev.gameagent.llm;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only custom provider, registered in this module's test {@code META-INF/services}: its client
 * answers {@code <speech>scripted: LAST USER MESSAGE</speech>} on a thread of its own. Counts how
 * many clients were created and closed.
 */
public final class ScriptedProvider implements LlmProvider {
  static final AtomicInteger created = new AtomicInteger();
  static final AtomicInteger closed = new AtomicInteger();

  @Override
  public String name() {
    return "Scripted";
  }

  @Override
  public LlmClient create(LlmConfig config) {
    created.incrementAndGet();
    return new Client();
  }

  static final class Client implements LlmClient, AutoCloseable {
    @Override
    public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
      List<ChatMessage> messages = request.messages();
      String last = messages.get(messages.size() - 1).content();
      Thread t = new Thread(() -> {
        handler.onText("<speech>scripted: " + last + "</speech>");
        handler.onComplete(new LlmCompletion("stop", null));
      }, "scripted-llm");
      t.start();
      return () -> { };
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }
}
