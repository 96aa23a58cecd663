package dev.gameagent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.testing.ScriptedLlmClient;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scripted LLM double the engine tests (and the server's) rely on keeps the LlmClient contract. */
class EngineScriptedLlmClientTest {
  private static final LlmRequest REQUEST = LlmRequest.builder().addMessage(ChatMessage.user("hi")).build();

  private final ScriptedLlmClient llm = new ScriptedLlmClient();

  @AfterEach
  void tearDown() {
    llm.close();
  }

  /** Records callbacks as a trace, and the threads they came on. */
  static class Trace implements LlmStreamHandler {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onText(String delta) {
      threads.add(Thread.currentThread().getName());
      events.add("text:" + delta);
    }

    @Override
    public void onComplete(LlmCompletion completion) {
      events.add("complete:" + completion.finishReason() + ":" + completion.usage());
    }

    @Override
    public void onError(LlmException error) {
      events.add("error:" + error.status() + ":" + error.getMessage());
    }

    boolean ended() {
      return !events.isEmpty() && !events.get(events.size() - 1).startsWith("text:");
    }
  }

  @Test
  void playsChunksWithDelaysThenCompletesOnItsOwnThreads() {
    llm.enqueue(Script.builder().text("<speech>Hal").delay(Duration.ofMillis(5)).text("t!</speech>")
        .complete("length", new Usage(3, 4)).build());
    Trace trace = new Trace();

    llm.stream(REQUEST, trace);

    await().until(trace::ended);
    assertThat(trace.events).containsExactly("text:<speech>Hal", "text:t!</speech>", "complete:length:Usage[promptTokens=3, completionTokens=4]");
    assertThat(trace.threads).allMatch(name -> name.equals("scripted-llm"));
    assertThat(llm.requests()).containsExactly(REQUEST);
    assertThat(llm.calls().get(0).terminated()).isTrue();
  }

  @Test
  void failsAfterSomeChunks() {
    llm.enqueue(Script.builder().text("a", "b").fail(new ServerErrorException("down", 503)).build());
    Trace trace = new Trace();
    llm.stream(REQUEST, trace);
    await().until(trace::ended);
    assertThat(trace.events).containsExactly("text:a", "text:b", "error:503:down");
  }

  @Test
  void noCallbackAfterCancelReturns() {
    // A minute of chunks: a test stalled for a few seconds before it cancels still finds the stream
    // going (2 s of them ran out under a loaded host, and their completion counted as late).
    Script.Builder script = Script.builder();
    for (int i = 0; i < 60_000; i++) {
      script.text("x").delay(Duration.ofMillis(1));
    }
    llm.enqueue(script.complete("stop", null).build());
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicInteger late = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    LlmCall call = llm.stream(REQUEST, new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        if (cancelled.get()) {
          late.incrementAndGet();
        }
        received.incrementAndGet();
      }

      @Override
      public void onComplete(LlmCompletion completion) {
        late.incrementAndGet(); // the stream is far from its end: only a missed cancel gets here
      }

      @Override
      public void onError(LlmException error) {
        late.incrementAndGet();
      }
    });
    await().pollInterval(Duration.ofMillis(1)).until(() -> received.get() >= 3);

    call.cancel();
    cancelled.set(true);

    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10)).until(() -> late.get() == 0);
    assertThat(llm.cancelCount()).isEqualTo(1);
    assertThat(llm.calls().get(0).cancelled()).isTrue();
    call.cancel();
    assertThat(llm.cancelCount()).isEqualTo(1);
  }

  @Test
  void handlerMayCancelItsOwnCallFromACallback() {
    llm.enqueue(Script.of("a", "b", "c"));
    List<String> seen = new CopyOnWriteArrayList<>();
    LlmCall[] self = new LlmCall[1];
    AtomicBoolean started = new AtomicBoolean();
    self[0] = llm.stream(REQUEST, new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        seen.add(delta);
        await().until(started::get);
        self[0].cancel();
      }

      @Override
      public void onComplete(LlmCompletion completion) {
        seen.add("complete");
      }

      @Override
      public void onError(LlmException error) {
        seen.add("error");
      }
    });
    started.set(true);

    await().until(() -> llm.calls().get(0).cancelled());
    assertThat(seen).containsExactly("a");
  }

  @Test
  void pausesUntilReleasedAndRoutesHandlerFailuresToOnError() {
    llm.enqueue(Script.builder().text("a").pause().text("b").complete("stop", null).build());
    Trace trace = new Trace() {
      @Override
      public void onText(String delta) {
        super.onText(delta);
        if (delta.equals("b")) {
          throw new IllegalStateException("handler bug");
        }
      }
    };
    llm.stream(REQUEST, trace);
    ScriptedLlmClient.Call call = llm.awaitCall(0);
    await().until(call::paused);
    assertThat(trace.events).containsExactly("text:a");

    call.release();

    await().until(trace::ended);
    assertThat(trace.events).hasSize(3).last().asString().startsWith("error:0:handler failed");
  }
}
