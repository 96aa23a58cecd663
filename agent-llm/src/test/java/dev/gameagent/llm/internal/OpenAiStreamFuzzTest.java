package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gameagent.core.llm.AuthenticationException;
import dev.gameagent.core.llm.BadResponseException;
import dev.gameagent.core.llm.InvalidRequestException;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.ModelNotFoundException;
import dev.gameagent.core.llm.RateLimitedException;
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.core.testing.Fuzz;
import dev.gameagent.llm.RecordingHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the OpenAI-compatible streaming adapter against a MockWebServer that plays
 * random scripts: valid SSE streams in every legal spelling (with and without the space after
 * {@code data:}, comments, {@code event:}/{@code id:}/{@code retry:} fields, LF, CRLF or bare CR line ends, multi-line data, usage-only and empty-choices chunks, tool-call deltas, with and without
 * {@code [DONE]}) cut into pieces at random byte positions, including inside UTF-8 sequences and
 * between CR and LF; streams broken by garbage, error objects, oddly typed chunks or a dropped
 * connection; and error statuses with and without {@code Retry-After}.
 *
 * <p>For every script: {@code stream} returns without throwing, the handler gets exactly one
 * terminal callback and nothing after it, a valid stream's deltas concatenate to the text sent, a
 * broken one's to a prefix of it, an error has the status and retryability its cause calls for, and
 * the HTTP call is over afterwards. Seeded; see {@link Fuzz} for reruns.
 */
class OpenAiStreamFuzzTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final ObjectMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final ObjectMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final MockWebServer server = new MockWebServer();
  private final AtomicReference<Case> current = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private OpenAiClient client;

  /** What a script should end in. */
  private record Expected(String text, String finish, Class<? extends LlmException> error, int status) {
    static Expected complete(String text, String finish) {
      return new Expected(text, finish, null, 0);
    }

    static Expected failure(String textBefore, Class<? extends LlmException> error, int status) {
      return new Expected(textBefore, null, error, status);
    }
  }

  /** A script, and another one that answers the first request only when {@code first} is not null. */
  private record Case(String name, StreamScript first, StreamScript script, Expected expected) {
    Case(String name, StreamScript script, Expected expected) {
      this(name, null, script, expected);
    }
  }

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        Case c = current.get();
        return requests.incrementAndGet() == 1 && c.first() != null ? c.first().response() : c.script().response();
      }
    });
    server.start();
    client = OpenAiTestSupport.client(OpenAiTestSupport.config(server)
        .maxRetries(1)
        .retryMaxDelay(Duration.ofSeconds(2))
        .build());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void everyScriptEndsInExactlyOneSensibleTerminalCallback() {
    Fuzz.check("stream scripts end in one sensible terminal callback", 200, random -> {
      Case c = randomCase(random);
      run(c);
    });
  }

  private void run(Case c) {
    current.set(c);
    requests.set(0);
    RecordingHandler handler = new RecordingHandler();
    String context = c.name() + " " + Fuzz.printable((c.first() == null ? "" : new String(c.first().body(), StandardCharsets.UTF_8)
        + " then ") + new String(c.script().body(), StandardCharsets.UTF_8));
    try {
      client.stream(request(), handler);
    } catch (RuntimeException e) {
      throw new AssertionError("stream threw for " + context, e);
    }
    RecordingHandler.Event terminal;
    try {
      terminal = handler.awaitTerminal();
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " for " + context, e);
    }
    // Polled fast: hundreds of cases each wait for their call to end.
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(30))
        .until(() -> client.http().dispatcher().runningCallsCount() == 0);
    handler.assertNoViolations();
    assertThat(handler.events().stream().filter(e -> e.kind().equals("complete") || e.kind().equals("error")))
        .as("terminal callbacks of %s", context).hasSize(1);
    Expected expected = c.expected();
    String text = handler.text();
    if (expected.error() == null) {
      assertThat(terminal.kind()).as("ended in %s: %s", terminal, context).isEqualTo("complete");
      assertThat(text).as("text of %s", context).isEqualTo(expected.text());
      LlmCompletion completion = terminal.completion();
      assertThat(completion.finishReason()).as("finish of %s", context).isEqualTo(expected.finish());
      return;
    }
    if (c.script().reset() && terminal.kind().equals("complete")) {
      // The answer was whole before the connection dropped.
      assertThat(text).as("text of %s", context).isEqualTo(expected.text());
      return;
    }
    assertThat(terminal.kind()).as("ended in %s: %s", terminal, context).isEqualTo("error");
    LlmException error = terminal.error();
    assertThat(error).as("ended in %s: %s", terminal, context).isInstanceOf(expected.error());
    assertThat(error.status()).as("status of %s", terminal).isEqualTo(expected.status());
    boolean retryable = expected.error() == ServerErrorException.class || expected.error() == RateLimitedException.class;
    assertThat(error.retryable()).as("retryable of %s", terminal).isEqualTo(retryable);
    assertThat(error.getMessage()).as("message of %s", terminal).isNotBlank().doesNotContain(OpenAiTestSupport.KEY);
    if (c.script().reset()) {
      assertThat(expected.text()).as("text of %s", context).startsWith(text);
    } else {
      assertThat(text).as("text of %s", context).isEqualTo(expected.text());
    }
  }

  // ---- cases ----

  private Case randomCase(Random random) throws Exception {
    int kind = random.nextInt(11);
    if (kind < 4) {
      return validStream(random);
    }
    if (kind < 6) {
      return brokenStream(random);
    }
    if (kind < 8) {
      return errorStatus(random);
    }
    if (kind == 8) {
      return htmlInsteadOfEvents(random);
    }
    if (kind == 9) {
      return retried(random);
    }
    return droppedConnection(random);
  }

  /** The pieces of a stream: SSE event texts (without the blank line) and the answer text they carry. */
  private static final class Stream {
    final List<String> events = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    String finish;
    boolean done;
  }

  private Case validStream(Random random) throws Exception {
    Stream s = stream(random, true);
    String finish = s.finish != null ? s.finish : s.done ? "stop" : null;
    if (finish == null) {
      // Neither finish_reason nor [DONE]: the answer may be cut short, and that is an error.
      return new Case("unfinished stream", sse(random, s), Expected.failure(s.text.toString(), BadResponseException.class, 0));
    }
    return new Case("valid stream", sse(random, s), Expected.complete(s.text.toString(), finish));
  }

  private Case brokenStream(Random random) throws Exception {
    Stream s = stream(random, false);
    String before = s.text.toString();
    int how = random.nextInt(3);
    String bad;
    Class<? extends LlmException> error;
    if (how == 0) {
      bad = dataLine(random, random.nextBoolean() ? "{\"choices\":[{\"delta\":{\"content\":\"cut" : "<html>oops</html>");
      error = BadResponseException.class;
    } else if (how == 1) {
      bad = dataLine(random, "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\"}}");
      error = ServerErrorException.class;
    } else {
      bad = dataLine(random, "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}");
      error = RateLimitedException.class;
    }
    s.events.add(bad);
    // Whatever follows the failure must not reach the handler.
    s.events.add(dataLines(random, chunk(random, "after the failure", null)));
    s.events.add(dataLine(random, "[DONE]"));
    int status = error == RateLimitedException.class ? 429 : 0;
    return new Case("broken stream", sse(random, s), Expected.failure(before, error, status));
  }

  private Case droppedConnection(Random random) throws Exception {
    Stream s = stream(random, true);
    s.events.add(0, ": the connection drops in what follows");
    StreamScript full = sse(random, s);
    byte[] body = full.body();
    int keep = 1 + random.nextInt(body.length);
    byte[] prefix = java.util.Arrays.copyOf(body, keep);
    int[] cuts = java.util.Arrays.stream(full.cuts()).filter(c -> c < keep).toArray();
    StreamScript dropped = new StreamScript(200, full.contentType(), List.of(), prefix, cuts, true);
    return new Case("dropped connection", dropped, Expected.failure(s.text.toString(), ServerErrorException.class, 0));
  }

  /** A retryable failure before the first token, then a valid stream: the retry's answer and nothing of the failure. */
  private Case retried(Random random) throws Exception {
    StreamScript failure = switch (random.nextInt(3)) {
      case 0 -> {
        byte[] body = "{\"error\":{\"message\":\"Rate limit reached\"}}".getBytes(StandardCharsets.UTF_8);
        List<String[]> headers = random.nextBoolean() ? List.of() : List.<String[]>of(new String[] {"Retry-After", "0"});
        yield new StreamScript(pick(random, List.of(429, 500, 503)), "application/json", headers, body, cuts(random, body), false);
      }
      case 1 -> {
        Stream overloaded = new Stream();
        overloaded.events.add(dataLine(random, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        overloaded.events.add(dataLines(random, chunk(random, "never shown", null)));
        yield sse(random, overloaded);
      }
      default -> {
        Stream silent = new Stream();
        silent.events.add(": nothing but a comment before the connection drops");
        StreamScript script = sse(random, silent);
        yield new StreamScript(200, script.contentType(), List.of(), script.body(), script.cuts(), true);
      }
    };
    Stream s = stream(random, false);
    s.events.add(dataLines(random, chunk(random, null, "stop")));
    if (random.nextBoolean()) {
      s.events.add(dataLine(random, "[DONE]"));
    }
    return new Case("retried", failure, sse(random, s), Expected.complete(s.text.toString(), "stop"));
  }

  private Case errorStatus(Random random) {
    int code = pick(random, List.of(500, 502, 503, 429, 429, 400, 401, 404));
    List<String[]> headers = new ArrayList<>();
    if (random.nextBoolean()) {
      headers.add(new String[] {"Retry-After", pick(random, List.of("0", "0.01", "3600", "soon",
          "Wed, 21 Oct 2015 07:28:00 GMT"))});
    }
    if (random.nextInt(4) == 0) {
      headers.add(new String[] {"retry-after-ms", pick(random, List.of("5", "-1", "NaN", "1e300"))});
    }
    String body = pick(random, List.of("", "<html><body>Bad Gateway</body></html>", "{\"error\":{\"message\":\"nope\"}}",
        "{\"error\":\"plain\"}", "not json at all", "{\"error\":"));
    Class<? extends LlmException> error = switch (code) {
      case 429 -> RateLimitedException.class;
      case 400 -> InvalidRequestException.class;
      case 401 -> AuthenticationException.class;
      case 404 -> ModelNotFoundException.class;
      default -> ServerErrorException.class;
    };
    StreamScript script = new StreamScript(code, pick(random, List.of("text/html", "application/json", "text/plain")),
        headers, body.getBytes(StandardCharsets.UTF_8), cuts(random, body.getBytes(StandardCharsets.UTF_8)), false);
    return new Case("HTTP " + code, script, Expected.failure("", error, code));
  }

  private Case htmlInsteadOfEvents(Random random) {
    byte[] body = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in – café</body></html>"
        .getBytes(StandardCharsets.UTF_8);
    String type = pick(random, List.of("text/html; charset=utf-8", "application/json"));
    return new Case("200 with HTML", new StreamScript(200, type, List.of(), body, cuts(random, body), false),
        Expected.failure("", BadResponseException.class, 200));
  }

  /**
   * A stream's events: an optional role-only first delta, content deltas with oddly typed chunks,
   * empty-choices and tool-call chunks between them, then (when {@code finished}) maybe a finish
   * chunk, a usage-only chunk and {@code [DONE]}.
   */
  private Stream stream(Random random, boolean finished) throws Exception {
    Stream s = new Stream();
    if (random.nextBoolean()) {
      s.events.add(dataLine(random, "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"));
    }
    for (int i = random.nextInt(8); i > 0; i--) {
      String piece = text(random);
      s.text.append(piece);
      s.events.add(dataLines(random, chunk(random, piece, null)));
      if (random.nextInt(4) == 0) {
        s.events.add(noise(random));
      }
    }
    if (!finished) {
      return s;
    }
    if (random.nextInt(5) > 0) {
      s.finish = pick(random, List.of("stop", "length", "tool_calls", "content_filter"));
      String last = random.nextBoolean() ? text(random) : null;
      if (last != null) {
        s.text.append(last);
      }
      s.events.add(dataLines(random, chunk(random, last, s.finish)));
    }
    if (random.nextBoolean()) {
      s.events.add(dataLine(random, "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}"));
    }
    s.done = random.nextInt(5) > 0;
    if (s.done) {
      s.events.add(dataLine(random, "[DONE]"));
    }
    return s;
  }

  /** An event that carries no answer text: a comment, bare fields, empty choices, a tool-call delta, odd types. */
  private String noise(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> ": keep-alive";
      case 1 -> "retry: 3000";
      case 2 -> dataLine(random, "{\"choices\":[]}");
      case 3 -> dataLine(random, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
          + "\"function\":{\"name\":\"check_inventory\",\"arguments\":\"{\\\"it\"}}]}}]}");
      case 4 -> dataLine(random, "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
          + "\"function\":{\"arguments\":\"em\\\": 1}\"}}]}}]}");
      case 5 -> dataLine(random, "{\"choices\":{\"index\":0,\"delta\":{\"content\":\"x\"}}}");
      case 6 -> dataLine(random, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":42}}]}");
      case 7 -> dataLine(random, "{\"choices\":[{\"index\":0,\"delta\":null}]}");
      default -> dataLine(random, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":null}}]}");
    };
  }

  /** A content chunk as JSON: plain, with non-ASCII escaped, or pretty-printed over several lines. */
  private static String chunk(Random random, String content, String finish) throws Exception {
    ObjectNode chunk = NODES.objectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk");
    ArrayNode choices = chunk.putArray("choices");
    ObjectNode choice = choices.addObject().put("index", 0);
    ObjectNode delta = choice.putObject("delta");
    if (content != null) {
      delta.put("content", content);
    }
    if (finish != null) {
      choice.put("finish_reason", finish);
    } else {
      choice.putNull("finish_reason");
    }
    ObjectMapper mapper = pick(random, List.of(PLAIN, ESCAPING, PRETTY));
    return mapper.writeValueAsString(chunk);
  }

  /** One data field per line of {@code data} (an SSE client joins them with LF, which JSON allows between tokens). */
  private static String dataLines(Random random, String data) {
    StringBuilder out = new StringBuilder();
    for (String line : data.split("\n", -1)) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(dataLine(random, line));
    }
    if (random.nextInt(4) == 0) {
      out.insert(0, pick(random, List.of("event: message\n", "id: 7\n", ": comment\n", "retry: 10\n")));
    }
    return out.toString();
  }

  private static String dataLine(Random random, String data) {
    return (random.nextBoolean() ? "data: " : "data:") + data;
  }

  /** Answer text: ASCII, markup, quotes, escapes, accents, CJK, emoji and line breaks. */
  private static String text(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = 1 + random.nextInt(12); i > 0; i--) {
      s.append(pick(random, List.of("Halt", " ", "<speech>", "</speech>", "\"", "\\", "é", "ß", "村", "😀", "\n", "\r\n",
          "&amp;", "data: ", "[DONE]", "\u2028", "\t", "ü")));
    }
    return s.toString();
  }

  /** Joins the events into an SSE body with one line ending throughout, cut into pieces. */
  private StreamScript sse(Random random, Stream s) {
    String eol = pick(random, List.of("\n", "\r\n", "\r"));
    StringBuilder body = new StringBuilder();
    for (String event : s.events) {
      body.append(event.replace("\n", eol)).append(eol).append(eol);
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    return new StreamScript(200, pick(random, List.of("text/event-stream", "text/event-stream; charset=utf-8")), List.of(),
        bytes, cuts(random, bytes), false);
  }

  /**
   * Where to cut the body into pieces: random positions, plus most places that are tricky to cut,
   * inside a UTF-8 sequence and between CR and LF.
   */
  private static int[] cuts(Random random, byte[] body) {
    TreeSet<Integer> cuts = new TreeSet<>();
    int every = 1 + random.nextInt(Math.max(1, body.length / 3 + 1));
    for (int i = 1; i < body.length; i++) {
      boolean continuation = (body[i] & 0xC0) == 0x80;
      boolean afterCr = body[i - 1] == '\r';
      if ((continuation || afterCr) && random.nextInt(3) > 0 || random.nextInt(every) == 0) {
        cuts.add(i);
      }
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  private static <T> T pick(Random random, List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
