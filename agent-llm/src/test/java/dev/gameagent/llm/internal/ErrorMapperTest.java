package dev.gameagent.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gameagent.core.llm.AuthenticationException;
import dev.gameagent.core.llm.BadResponseException;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmTimeoutException;
import dev.gameagent.core.llm.RateLimitedException;
import dev.gameagent.core.llm.ServerErrorException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** HTTP statuses, in-stream error objects and I/O failures, mapped to core's exception family. */
class ErrorMapperTest {
  private static final String KEY = "sk-proj-abcdefghijklmnop";
  private final ErrorMapper mapper = new ErrorMapper(KEY);

  @ParameterizedTest(name = "HTTP {0} -> {1}")
  @CsvSource({
      "400, InvalidRequestException, false",
      "401, AuthenticationException, false",
      "403, AuthenticationException, false",
      "404, ModelNotFoundException, false",
      "408, LlmTimeoutException, true",
      "409, InvalidRequestException, false",
      "413, InvalidRequestException, false",
      "422, InvalidRequestException, false",
      "429, RateLimitedException, true",
      "500, ServerErrorException, true",
      "502, ServerErrorException, true",
      "503, ServerErrorException, true",
      "504, ServerErrorException, true",
      "529, ServerErrorException, true",
      "302, BadResponseException, false",
  })
  void statusMapsToTheExceptionTheCallerCanActOn(int status, String type, boolean retryable) {
    LlmException e = mapper.forStatus(status, "{\"error\":{\"message\":\"went wrong\"}}", null);

    assertThat(e.getClass().getSimpleName()).isEqualTo(type);
    assertThat(e.retryable()).isEqualTo(retryable);
    assertThat(e.getMessage()).contains("went wrong");
    if (!(e instanceof LlmTimeoutException)) {
      assertThat(e.status()).isEqualTo(status);
    }
  }

  @Test
  void rateLimitCarriesTheRequestedWait() {
    LlmException e = mapper.forStatus(429, "", Duration.ofSeconds(7));

    assertThat(((RateLimitedException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"error\":{\"message\":\"bad model\",\"type\":\"invalid_request_error\"}}|bad model",
      "{\"error\":\"model 'llama9' not found, try pulling it first\"}|model 'llama9' not found, try pulling it first",
      "{\"object\":\"error\",\"message\":\"maximum context length exceeded\",\"type\":\"BadRequestError\",\"code\":400}|maximum context length exceeded",
      "{\"detail\":\"Not Found\"}|Not Found",
      "<html> <h1>502   Bad\tGateway</h1></html>|502 Bad Gateway",
      "<!DOCTYPE html><html><head><title>Sign in</title><style>p{color:red}</style></head><body><p>Please sign in</p></body></html>|Sign in Please sign in",
      "<3 not markup|<3 not markup",
      "upstream connect error|upstream connect error",
  })
  void detailIsExtractedFromJsonOrTextBodies(String body, String detail) {
    assertThat(mapper.detailOf(body)).isEqualTo(detail);
  }

  @Test
  void keysAreScrubbedFromMessages() {
    String body = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + " and sk-other-1234567890\"}}";

    LlmException e = mapper.forStatus(401, body, null);

    assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("sk-other-1234567890").contains("***");
  }

  @Test
  void extraHeaderValuesAreScrubbedUnlessTooShortToBeSecrets() {
    ErrorMapper withHeaders = new ErrorMapper(KEY, java.util.List.of("azure-0123456789", "My Game"));

    String cleaned = withHeaders.clean("api-key azure-0123456789 of My Game rejected");

    assertThat(cleaned).isEqualTo("api-key *** of My Game rejected");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"error\":{\"code\":429,\"message\":\"slow down\"}}|RateLimitedException|429",
      "{\"error\":{\"code\":\"502\",\"message\":\"upstream\"}}|ServerErrorException|502",
      "{\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"x\"}}|RateLimitedException|429",
      "{\"error\":{\"code\":\"server_error\",\"message\":\"x\"}}|ServerErrorException|0",
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}|ServerErrorException|0",
      "{\"error\":{\"type\":\"authentication_error\",\"message\":\"x\"}}|AuthenticationException|0",
      "{\"error\":{\"code\":\"model_not_found\",\"message\":\"x\"}}|ModelNotFoundException|0",
      "{\"error\":{\"code\":\"context_length_exceeded\",\"message\":\"x\"}}|InvalidRequestException|0",
      "{\"object\":\"error\",\"message\":\"x\",\"type\":\"BadRequestError\",\"code\":400}|InvalidRequestException|400",
      "{\"error\":\"something odd\"}|BadResponseException|0",
  })
  void streamErrorObjectsAreMappedByCodeAndType(String json, String type, int status) throws Exception {
    LlmException e = mapper.forStreamError(new ObjectMapper().readTree(json));

    assertThat(e.getClass().getSimpleName()).isEqualTo(type);
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.getMessage()).contains("in the stream");
  }

  @Test
  void ioFailuresAreTimeoutsOrRetryableServerErrors() {
    LlmException timeout = mapper.forIo(new SocketTimeoutException("timeout"), Duration.ofMillis(1500));
    LlmException refused = mapper.forIo(new ConnectException("Failed to connect to localhost/127.0.0.1:1"), Duration.ZERO);
    LlmException reset = mapper.forIo(new IOException("unexpected end of stream"), Duration.ZERO);

    assertThat(timeout).isInstanceOf(LlmTimeoutException.class).hasMessageContaining("1500 ms");
    assertThat(refused).isInstanceOf(ServerErrorException.class).hasMessageContaining("ConnectException");
    assertThat(reset).isInstanceOf(ServerErrorException.class).hasMessageContaining("unexpected end of stream");
    assertThat(refused.retryable()).isTrue();
    assertThat(refused.status()).isZero();
  }

  @Test
  void nonStreamContentTypeIsABadResponseUnlessItIsAnErrorObject() {
    assertThat(mapper.forContentType(200, "application/json", "{\"choices\":[]}"))
        .isInstanceOf(BadResponseException.class).hasMessageContaining("application/json");
    assertThat(mapper.forContentType(200, "application/json", "{\"error\":{\"code\":\"invalid_api_key\",\"message\":\"no\"}}"))
        .isInstanceOf(AuthenticationException.class);
    assertThat(mapper.forContentType(200, null, "")).isInstanceOf(BadResponseException.class).hasMessageContaining("none");
  }

  @Test
  void messagesAreTruncated() {
    assertThat(mapper.clean("y".repeat(1000))).hasSize(ErrorMapper.MAX_DETAIL + 3).endsWith("...");
    assertThat(new ErrorMapper(null).clean(" a \n b ")).isEqualTo("a b");
  }
}
