package dev.gameagent.llm.internal;

import static dev.gameagent.llm.internal.OpenAiTestSupport.config;
import static dev.gameagent.llm.internal.OpenAiTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.ServerErrorException;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.llm.RecordingHandler;
import dev.gameagent.llm.SseBody;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streams shaped like what each real OpenAI-compatible server sends, byte for byte where it matters. */
class ProviderFixturesTest {
  private final MockWebServer server = new MockWebServer();
  private OpenAiClient client;

  @BeforeEach
  void start() throws Exception {
    server.start();
    client = OpenAiTestSupport.client(config(server).build());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private RecordingHandler stream(SseBody body) {
    server.enqueue(body.response());
    RecordingHandler handler = new RecordingHandler();
    client.stream(request(), handler);
    return handler;
  }

  @Test
  void openAiRoleOnlyFirstDeltaThenUsageChunkWithEmptyChoices() {
    RecordingHandler h = stream(new SseBody().data(
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"<speech>Hal\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t!</speech>\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}",
        "[DONE]"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", new Usage(12, 5)));
    assertThat(h.events()).extracting(Object::toString)
        .containsExactly("text:<speech>Hal", "text:t!</speech>", "complete:LlmCompletion[finishReason=stop, usage=Usage[promptTokens=12, completionTokens=5]]");
    h.assertNoViolations();
  }

  @Test
  void openRouterProcessingCommentsAndReasoning() {
    RecordingHandler h = stream(new SseBody()
        .raw(": OPENROUTER PROCESSING\n\n")
        .raw(": OPENROUTER PROCESSING\n\n")
        .data(
            "{\"id\":\"gen-1\",\"provider\":\"OpenAI\",\"model\":\"openai/o4-mini\",\"object\":\"chat.completion.chunk\",\"created\":1,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"The guard is wary.\"},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}]}",
            "{\"id\":\"gen-1\",\"provider\":\"OpenAI\",\"model\":\"openai/o4-mini\",\"object\":\"chat.completion.chunk\",\"created\":1,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"<speech>Who goes there?</speech>\",\"reasoning\":null},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}]}")
        .raw(": OPENROUTER PROCESSING\n\n")
        .data(
            "{\"id\":\"gen-1\",\"provider\":\"OpenAI\",\"model\":\"openai/o4-mini\",\"object\":\"chat.completion.chunk\",\"created\":1,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\",\"native_finish_reason\":\"stop\",\"logprobs\":null}],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,\"total_tokens\":49}}",
            "[DONE]"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", new Usage(40, 9)));
    assertThat(h.reasoning()).isEqualTo("The guard is wary.");
    assertThat(h.text()).isEqualTo("<speech>Who goes there?</speech>");
    h.assertNoViolations();
  }

  @Test
  void openRouterMidStreamErrorEndsTheCallWithoutRetry() {
    RecordingHandler h = stream(new SseBody()
        .raw(": OPENROUTER PROCESSING\n\n")
        .data(
            "{\"id\":\"gen-2\",\"provider\":\"Anthropic\",\"model\":\"anthropic/claude\",\"object\":\"chat.completion.chunk\",\"created\":1,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"<speech>I was\"},\"finish_reason\":null}]}",
            "{\"id\":\"gen-2\",\"provider\":\"Anthropic\",\"model\":\"anthropic/claude\",\"object\":\"chat.completion.chunk\",\"created\":1,\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected unexpectedly\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}")
        .raw(": OPENROUTER PROCESSING\n\n"));

    assertThat(h.awaitError()).isInstanceOf(ServerErrorException.class)
        .hasMessageContaining("Provider disconnected unexpectedly");
    assertThat(h.text()).isEqualTo("<speech>I was");
    assertThat(server.getRequestCount()).isEqualTo(1);
    h.assertNoViolations();
  }

  @Test
  void ollamaUsageAfterFinishAndReasoningField() {
    RecordingHandler h = stream(new SseBody().data(
        "{\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen3\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"Greet back.\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen3\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"<speech>Hi\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen3\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"</speech>\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen3\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\"}]}",
        "{\"id\":\"chatcmpl-42\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"qwen3\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[],\"usage\":{\"prompt_tokens\":26,\"completion_tokens\":4,\"total_tokens\":30}}",
        "[DONE]"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", new Usage(26, 4)));
    assertThat(h.reasoning()).isEqualTo("Greet back.");
    assertThat(h.text()).isEqualTo("<speech>Hi</speech>");
    h.assertNoViolations();
  }

  @Test
  void vllmReasoningContentAndFinalDeltaInTheFinishChunk() {
    RecordingHandler h = stream(new SseBody().data(
        "{\"id\":\"chatcmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"Qwen/QwQ\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"Qwen/QwQ\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Be polite.\"},\"logprobs\":null,\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"Qwen/QwQ\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"<speech>Good\"},\"logprobs\":null,\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"Qwen/QwQ\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" day</speech>\"},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}",
        "{\"id\":\"chatcmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"Qwen/QwQ\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":14,\"completion_tokens\":9}}",
        "[DONE]"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("length", new Usage(5, 9)));
    assertThat(h.events()).extracting(Object::toString).startsWith("reasoning:Be polite.", "text:<speech>Good", "text: day</speech>");
    h.assertNoViolations();
  }

  @Test
  void llamaCppNullContentUsageInFinishChunkAndNoBlankLineAfterDone() {
    RecordingHandler h = stream(new SseBody()
        .data(
            "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}],\"created\":1,\"id\":\"chatcmpl-l\",\"model\":\"gpt-3.5-turbo\",\"system_fingerprint\":\"b5000\",\"object\":\"chat.completion.chunk\"}",
            "{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"<speech>Aye\"}}],\"created\":1,\"id\":\"chatcmpl-l\",\"model\":\"gpt-3.5-turbo\",\"system_fingerprint\":\"b5000\",\"object\":\"chat.completion.chunk\"}",
            "{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],\"created\":1,\"id\":\"chatcmpl-l\",\"model\":\"gpt-3.5-turbo\",\"system_fingerprint\":\"b5000\",\"object\":\"chat.completion.chunk\",\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":7,\"total_tokens\":10},\"timings\":{\"prompt_n\":7}}")
        .raw("data: [DONE]\n"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", new Usage(7, 3)));
    assertThat(h.text()).isEqualTo("<speech>Aye");
    h.assertNoViolations();
  }

  @Test
  void anthropicCompatibilityEndpointUsageInTheFinishChunk() {
    RecordingHandler h = stream(new SseBody().data(
        "{\"id\":\"msg_01\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"<speech>Well met\"}}],\"created\":1,\"model\":\"claude-sonnet-4\",\"object\":\"chat.completion.chunk\"}",
        "{\"id\":\"msg_01\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\".</speech>\"},\"finish_reason\":\"end_turn\"}],\"created\":1,\"model\":\"claude-sonnet-4\",\"object\":\"chat.completion.chunk\",\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":6,\"total_tokens\":26}}",
        "[DONE]"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", new Usage(20, 6)));
    assertThat(h.text()).isEqualTo("<speech>Well met.</speech>");
    h.assertNoViolations();
  }

  @Test
  void groqUsageInsideXGroqOfTheFinishChunk() {
    RecordingHandler h = stream(new SseBody().data(
        "{\"id\":\"chatcmpl-g\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama-3.3-70b-versatile\",\"system_fingerprint\":\"fp_g\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"x_groq\":{\"id\":\"req_01\"}}",
        "{\"id\":\"chatcmpl-g\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama-3.3-70b-versatile\",\"system_fingerprint\":\"fp_g\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"<speech>Quick.</speech>\"},\"logprobs\":null,\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-g\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama-3.3-70b-versatile\",\"system_fingerprint\":\"fp_g\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"x_groq\":{\"id\":\"req_01\",\"usage\":{\"queue_time\":0.02,\"prompt_tokens\":18,\"prompt_time\":0.001,\"completion_tokens\":5,\"completion_time\":0.004,\"total_tokens\":23,\"total_time\":0.005}}}",
        "[DONE]"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", new Usage(18, 5)));
    assertThat(h.text()).isEqualTo("<speech>Quick.</speech>");
    h.assertNoViolations();
  }

  @Test
  void crlfLineEndingsAndMultiLineEventsFromAGateway() {
    RecordingHandler h = stream(new SseBody()
        .raw(":ok\r\n\r\n")
        .raw("event: message\r\ndata: " + OpenAiTestSupport.content("<speech>One") + "\r\n\r\n")
        .raw("data: " + OpenAiTestSupport.content(" two</speech>") + "\r\n\r\n")
        .raw("data: " + OpenAiTestSupport.finish("max_tokens") + "\r\n\r\n"));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("length", null));
    assertThat(h.text()).isEqualTo("<speech>One two</speech>");
    h.assertNoViolations();
  }

  @Test
  void streamClosedAfterFinishReasonWithoutDoneIsComplete() {
    RecordingHandler h = stream(new SseBody().data(OpenAiTestSupport.content("<speech>Hi</speech>"), OpenAiTestSupport.finish("stop")));

    assertThat(h.awaitComplete()).isEqualTo(new LlmCompletion("stop", null));
    h.assertNoViolations();
  }
}
