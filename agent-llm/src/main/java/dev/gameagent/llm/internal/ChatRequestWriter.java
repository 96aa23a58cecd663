package dev.gameagent.llm.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.llm.LlmConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the JSON body of a streaming {@code /chat/completions} request. Only the messages and the
 * sampling parameters are sent; {@link LlmRequest#options()} never are. Stateless.
 */
final class ChatRequestWriter {
  private final LlmConfig config;

  ChatRequestWriter(LlmConfig config) {
    this.config = config;
  }

  /** The model that serves {@code request}: its own, else the configured default. */
  String modelFor(LlmRequest request) {
    return request.model() != null ? request.model() : config.defaultModel();
  }

  byte[] write(LlmRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 64 * request.messages().size());
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", modelFor(request));
      g.writeArrayFieldStart("messages");
      for (ChatMessage m : request.messages()) {
        g.writeStartObject();
        g.writeStringField("role", m.role().wireName());
        g.writeStringField("content", m.content());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeBooleanField("stream", true);
      if (config.includeUsage()) {
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      Double temperature = request.temperature() != null ? request.temperature() : config.temperature();
      // Reasoning models reject any temperature but their default.
      if (temperature != null && !config.reasoningModel()) {
        g.writeNumberField("temperature", temperature);
      }
      Integer maxTokens = request.maxTokens() != null ? request.maxTokens() : config.maxTokens();
      if (maxTokens != null) {
        g.writeNumberField(config.reasoningModel() ? "max_completion_tokens" : "max_tokens", maxTokens);
      }
      if (!request.stop().isEmpty()) {
        g.writeArrayFieldStart("stop");
        for (String s : request.stop()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
