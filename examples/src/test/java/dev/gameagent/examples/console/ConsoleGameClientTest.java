package dev.gameagent.examples.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmClient;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.examples.adapter.EchoLlmClient;
import dev.gameagent.llm.LlmClients;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RoutingLlmClient;
import dev.gameagent.server.AgentServer;
import dev.gameagent.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console client end to end against the bundled server, started in-process on a free port. */
class ConsoleGameClientTest {
  @TempDir
  Path logs;

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private EchoLlmClient echo;
  private RoutingLlmClient offline;
  private RecordingLlm llm;
  private AgentServer server;
  private ConsoleGameClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
      // Let the server see the close before it shuts down, as a game would leave.
      patiently().until(() -> client.closed().isDone());
    }
    if (server != null) {
      server.close();
    }
    if (echo != null) {
      echo.close();
    }
    if (offline != null) {
      offline.close();
    }
  }

  @Test
  void talksToBromThroughTheServerAndConfirmsEachTurn() {
    start(Duration.ZERO, null);
    client = ConsoleGameClient.connect(server.webSocketUrl(), "brom", null, out);
    patiently().until(() -> client.conversation().sessionId() != null);

    client.type("Good evening");
    patiently().until(() -> output().contains("Brom: You said: Good evening" + System.lineSeparator()));
    patiently().until(() -> client.conversation().resultsSent() == 1);
    client.type("Open the gate");
    patiently().until(() -> output().contains("Brom: You said: Open the gate" + System.lineSeparator()));
    patiently().until(() -> client.conversation().resultsSent() == 2);

    // The first turn's result became Brom's memory: the second prompt carries it as his own words.
    assertThat(llm.requests).hasSize(2);
    assertThat(assistantText(llm.requests.get(1))).contains("You said: Good evening");
    assertThat(llm.requests.get(1).messages().get(0).content()).contains("Brom", "town guard");
    assertThat(output()).doesNotContain("server error");
  }

  @Test
  void typingWhileBromTalksCutsHimOffAndTheCutOffAnswerIsConfirmed() {
    start(Duration.ofMillis(150), null);
    // Brom is still talking when "stop" arrives however slow the machine: his first answer never
    // ends by itself (at 150 ms a word it could end before a stalled test typed).
    llm.holdFirstAnswerOpen();
    client = ConsoleGameClient.connect(server.webSocketUrl(), "brom", null, out);
    patiently().until(() -> client.conversation().sessionId() != null);

    client.type("one two three four five six seven eight nine ten");
    patiently().until(() -> output().contains("Brom: You"));
    client.type("stop");
    patiently().until(() -> output().contains("(Brom was interrupted: superseded)"));
    patiently().until(() -> output().contains("Brom: You said: stop" + System.lineSeparator()));
    patiently().until(() -> client.conversation().resultsSent() == 2);
    client.type("again");
    patiently().until(() -> client.conversation().resultsSent() == 3);

    // The server accepted the interrupted turn's result (else it would have answered with an error)
    // and the next prompt remembers both answers.
    assertThat(output()).doesNotContain("server error");
    assertThat(assistantText(llm.requests.get(2))).contains("You said: stop");
    assertThat(llm.requests).hasSize(3);
  }

  @Test
  void bromChecksHisInventoryWithHisToolAndAnswersFromTheResult() {
    offline = LlmClients.create(LlmConfig.builder().offlineTokensPerSecond(0).build());
    serve(offline, null);
    client = ConsoleGameClient.connect(server.webSocketUrl(), "brom", null, out);
    patiently().until(() -> client.conversation().sessionId() != null);

    client.type("Check inventory for the gate key");

    // The tool turn is confirmed by its tool_results; only the answer after it gets a turn result.
    patiently().until(() -> client.conversation().resultsSent() == 1);
    assertThat(output()).contains("(Brom used check_inventory: {\"item\":\"gate key\",\"found\":true})")
        .contains("Brom: Here's what I found").doesNotContain("server error");
    assertThat(llm.requests).hasSize(2);
  }

  @Test
  void tokenIsSentAndAWrongOneIsRefused() {
    start(Duration.ZERO, "s3cret");

    client = ConsoleGameClient.connect(server.webSocketUrl(), "brom", "wrong", out);
    patiently().until(() -> client.closed().isDone());
    assertThat(output()).contains("(connection failed: HTTP 401");
    client.close();

    client = ConsoleGameClient.connect(server.webSocketUrl(), "brom", "s3cret", out);
    patiently().until(() -> client.conversation().sessionId() != null);
  }

  @Test
  void quitClosesTheConnection() {
    start(Duration.ZERO, null);
    client = ConsoleGameClient.connect(server.webSocketUrl(), "brom", null, out);
    patiently().until(() -> client.conversation().sessionId() != null);

    client.type("/quit");

    patiently().until(() -> client.closed().isDone());
    assertThat(output()).contains("(disconnected: 1000");
  }

  private void start(Duration delayPerWord, String token) {
    echo = new EchoLlmClient(delayPerWord);
    serve(echo, token);
  }

  private void serve(LlmClient model, String token) {
    llm = new RecordingLlm(model);
    ServerConfig.Builder config = ServerConfig.newBuilder().host("127.0.0.1").port(0).logsDir(logs);
    if (token != null) {
      config.token(token);
    }
    server = AgentServer.newBuilder().config(config.build()).llmClient(llm).build().start();
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  private static String assistantText(LlmRequest request) {
    return request.messages().stream().filter(m -> m.role() == ChatMessage.Role.ASSISTANT)
        .map(ChatMessage::content).collect(Collectors.joining("\n"));
  }

  private static ConditionFactory patiently() {
    return await().atMost(Duration.ofSeconds(30));
  }

  /**
   * Records the requests the server makes, then lets the echo model answer them; an answer held open
   * streams its words but never its end, so its turn lasts until the server cancels it.
   */
  private static final class RecordingLlm implements LlmClient {
    final List<LlmRequest> requests = new CopyOnWriteArrayList<>();
    private final LlmClient delegate;
    private volatile boolean firstHeldOpen;

    RecordingLlm(LlmClient delegate) {
      this.delegate = delegate;
    }

    /** The answer to the first request never completes. */
    void holdFirstAnswerOpen() {
      firstHeldOpen = true;
    }

    @Override
    public LlmCall stream(LlmRequest request, LlmStreamHandler handler) {
      boolean first;
      synchronized (requests) {
        first = requests.isEmpty();
        requests.add(request);
      }
      return delegate.stream(request, first && firstHeldOpen ? new WithoutEnd(handler) : handler);
    }

    @Override
    public String name() {
      return delegate.name();
    }
  }

  /** Passes on a stream's text but not its completion. */
  private record WithoutEnd(LlmStreamHandler handler) implements LlmStreamHandler {
    @Override
    public void onText(String delta) {
      handler.onText(delta);
    }

    @Override
    public void onComplete(LlmCompletion completion) {}

    @Override
    public void onError(LlmException error) {
      handler.onError(error);
    }
  }
}
