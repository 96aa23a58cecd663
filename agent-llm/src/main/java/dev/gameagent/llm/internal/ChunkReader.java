package dev.gameagent.llm.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gameagent.core.llm.BadResponseException;
import dev.gameagent.core.llm.Usage;
import java.util.Locale;

/**
 * Reads the {@code data} of one server-sent event of an OpenAI-compatible stream, tolerating what
 * real providers send: a role-only first delta, {@code content: null}, usage with empty
 * {@code choices}, inside the finish chunk or in Groq's {@code x_groq}, text in the same chunk as
 * {@code finish_reason}, {@code reasoning_content} or {@code reasoning}, and error objects.
 * Stateless and thread-safe.
 */
final class ChunkReader {
  /** The marker that ends an OpenAI stream. */
  static final String DONE = "[DONE]";

  private final ErrorMapper errors;

  ChunkReader(ErrorMapper errors) {
    this.errors = errors;
  }

  /** Whether {@code data} is the end-of-stream marker. */
  static boolean isDone(String data) {
    return data.strip().equals(DONE);
  }

  /**
   * Reads one chunk.
   *
   * @throws BadResponseException when {@code data} is not a JSON object
   */
  StreamChunk read(String data) {
    JsonNode chunk;
    try {
      chunk = Json.MAPPER.readTree(data);
    } catch (JsonProcessingException e) {
      throw new BadResponseException("the provider sent a malformed stream chunk: " + errors.clean(data), 0, e);
    }
    if (chunk == null || !chunk.isObject()) {
      throw new BadResponseException("the provider sent a stream chunk that is not a JSON object: " + errors.clean(data), 0);
    }
    if (ErrorMapper.isErrorObject(chunk)) {
      return StreamChunk.failure(errors.forStreamError(chunk));
    }
    Usage usage = usageOf(chunk.get("usage"));
    JsonNode choice = firstChoice(chunk.get("choices"));
    if (choice == null) {
      return new StreamChunk(null, null, null, usage, null);
    }
    JsonNode delta = choice.get("delta");
    if (delta == null || !delta.isObject()) {
      delta = choice.get("message");
    }
    String text = null;
    String reasoning = null;
    if (delta != null && delta.isObject()) {
      text = contentOf(delta.get("content"));
      reasoning = textOrNull(delta.get("reasoning_content"));
      if (reasoning == null) {
        reasoning = textOrNull(delta.get("reasoning"));
      }
    } else {
      text = textOrNull(choice.get("text"));
    }
    if (usage == null) {
      usage = usageOf(choice.get("usage"));
    }
    if (usage == null) {
      // Groq reports usage in its own extension object of the finish chunk.
      usage = usageOf(chunk.path("x_groq").get("usage"));
    }
    String finish = textOrNull(choice.get("finish_reason"));
    if ("error".equals(finish)) {
      return StreamChunk.failure(new BadResponseException("the provider ended the stream with finish_reason \"error\"", 0));
    }
    return new StreamChunk(text, reasoning, normalizeFinish(finish), usage, null);
  }

  /**
   * Maps a provider's finish reason to core's vocabulary: {@code stop}, {@code length},
   * {@code tool_calls} or {@code content_filter}; null stays null and unknown reasons become
   * {@code stop}.
   */
  static String normalizeFinish(String reason) {
    if (reason == null || reason.isBlank()) {
      return null;
    }
    switch (reason.toLowerCase(Locale.ROOT)) {
      case "length": case "max_tokens": case "model_length":
        return "length";
      case "tool_calls": case "function_call": case "tool_use":
        return "tool_calls";
      case "content_filter": case "safety": case "refusal":
        return "content_filter";
      default:
        return "stop";
    }
  }

  private static JsonNode firstChoice(JsonNode choices) {
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      return null;
    }
    for (JsonNode c : choices) {
      if (c.path("index").asInt(0) == 0) {
        return c;
      }
    }
    return null;
  }

  /** Content is usually a string, sometimes a list of {@code {"type":"text","text":...}} parts. */
  private static String contentOf(JsonNode content) {
    if (content == null || !content.isArray()) {
      return textOrNull(content);
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      String t = textOrNull(part.isTextual() ? part : part.get("text"));
      if (t != null) {
        sb.append(t);
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static String textOrNull(JsonNode node) {
    return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  private static Usage usageOf(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return null;
    }
    int prompt = usage.path("prompt_tokens").asInt(usage.path("input_tokens").asInt(-1));
    int completion = usage.path("completion_tokens").asInt(usage.path("output_tokens").asInt(-1));
    if (prompt < 0 && completion < 0) {
      return null;
    }
    return new Usage(Math.max(prompt, 0), Math.max(completion, 0));
  }
}
