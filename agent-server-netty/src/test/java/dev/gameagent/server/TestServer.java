package dev.gameagent.server;

import dev.gameagent.core.llm.LlmClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** An {@link AgentServer} on a free loopback port with its logs in a test folder. */
final class TestServer implements AutoCloseable {
  private static final OkHttpClient HTTP = new OkHttpClient();

  final AgentServer server;
  final Path logs;

  private TestServer(AgentServer server, Path logs) {
    this.server = server;
    this.logs = logs;
  }

  static TestServer start(Path logs, LlmClient llm) {
    return start(logs, llm, b -> b);
  }

  static TestServer start(Path logs, LlmClient llm, UnaryOperator<ServerConfig.Builder> config) {
    return start(logs, llm, config, Clock.systemUTC());
  }

  /** With the clock the server reads for {@code pong.server_time_ms}, event timestamps and log lines. */
  static TestServer start(Path logs, LlmClient llm, UnaryOperator<ServerConfig.Builder> config, Clock clock) {
    ServerConfig c = config.apply(ServerConfig.newBuilder().host("127.0.0.1").port(0).logsDir(logs)).build();
    return new TestServer(AgentServer.newBuilder().config(c).llmClient(llm).clock(clock).build().start(), logs);
  }

  int port() {
    return server.port();
  }

  String ws() {
    return server.webSocketUrl();
  }

  String ws(String query) {
    return server.webSocketUrl() + "?" + query;
  }

  /** A GET on the server: status and body. */
  HttpResult get(String path) {
    return request("GET", path);
  }

  /** A request without a body on the server: status and body. */
  HttpResult request(String method, String path) {
    Request.Builder request = new Request.Builder().url("http://127.0.0.1:" + port() + path);
    request.method(method, method.equals("POST") ? okhttp3.RequestBody.create(new byte[0]) : null);
    try (Response r = HTTP.newCall(request.build()).execute()) {
      return new HttpResult(r.code(), r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record HttpResult(int status, String body) {}

  @Override
  public void close() {
    server.close();
  }
}
