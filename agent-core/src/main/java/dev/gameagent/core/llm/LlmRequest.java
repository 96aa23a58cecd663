package dev.gameagent.core.llm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable chat completion request. Null model, temperature or max tokens mean "the client's
 * default".
 *
 * <p>{@link #options()} carries hints for adapters, never sent to a provider as they are: the
 * {@link #OPTION_PROVIDER} that should serve the request, and the structured turn context
 * ({@link #OPTION_AGENT_SPEC}, {@link #OPTION_ACTIVE_EVENT}, {@link #OPTION_TOOL_RESULTS}) for
 * adapters that do not read prose, such as the offline model. Adapters ignore what they do not know.
 * Logs record the messages, the parameters and the provider option only.
 */
public final class LlmRequest {
  /** The adapter name ({@code String}) from the spec's {@code llm.provider}. */
  public static final String OPTION_PROVIDER = "provider";
  /** The turn's {@link dev.gameagent.core.AgentSpec}. */
  public static final String OPTION_AGENT_SPEC = "agent_spec";
  /** The {@link dev.gameagent.core.InteractionEvent} the turn answers; absent for a continuation. */
  public static final String OPTION_ACTIVE_EVENT = "active_event";
  /** For a continuation turn: the {@code List<}{@link dev.gameagent.core.ToolResult}{@code >} it answers. */
  public static final String OPTION_TOOL_RESULTS = "tool_results";

  private final List<ChatMessage> messages;
  private final String model;
  private final Double temperature;
  private final Integer maxTokens;
  private final List<String> stop;
  private final Map<String, Object> options;

  private LlmRequest(Builder builder) {
    if (builder.messages.isEmpty()) {
      throw new IllegalArgumentException("messages is empty");
    }
    this.messages = List.copyOf(builder.messages);
    this.model = builder.model;
    this.temperature = builder.temperature;
    this.maxTokens = builder.maxTokens;
    this.stop = List.copyOf(builder.stop);
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(builder.options));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder newBuilder() {
    return new Builder(this);
  }

  public List<ChatMessage> messages() {
    return messages;
  }

  /** The model name, or null for the client's default. */
  public String model() {
    return model;
  }

  /** The sampling temperature, or null for the client's default. */
  public Double temperature() {
    return temperature;
  }

  /** The completion token limit, or null for the client's default. */
  public Integer maxTokens() {
    return maxTokens;
  }

  public List<String> stop() {
    return stop;
  }

  public Map<String, Object> options() {
    return options;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LlmRequest r
        && messages.equals(r.messages)
        && Objects.equals(model, r.model)
        && Objects.equals(temperature, r.temperature)
        && Objects.equals(maxTokens, r.maxTokens)
        && stop.equals(r.stop)
        && options.equals(r.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(messages, model, temperature, maxTokens, stop, options);
  }

  @Override
  public String toString() {
    return "LlmRequest{model=" + model + ", temperature=" + temperature + ", maxTokens=" + maxTokens
        + ", stop=" + stop + ", messages=" + messages.size() + "}";
  }

  public static final class Builder {
    private final List<ChatMessage> messages = new ArrayList<>();
    private String model;
    private Double temperature;
    private Integer maxTokens;
    private final List<String> stop = new ArrayList<>();
    private final Map<String, Object> options = new LinkedHashMap<>();

    Builder() {}

    Builder(LlmRequest request) {
      messages.addAll(request.messages);
      model = request.model;
      temperature = request.temperature;
      maxTokens = request.maxTokens;
      stop.addAll(request.stop);
      options.putAll(request.options);
    }

    public Builder addMessage(ChatMessage message) {
      messages.add(Objects.requireNonNull(message, "message == null"));
      return this;
    }

    public Builder messages(List<ChatMessage> messages) {
      this.messages.clear();
      messages.forEach(this::addMessage);
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder temperature(Double temperature) {
      if (temperature != null && (temperature < 0 || temperature > 2 || temperature.isNaN())) {
        throw new IllegalArgumentException("temperature must be in [0, 2]: " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    public Builder maxTokens(Integer maxTokens) {
      if (maxTokens != null && maxTokens <= 0) {
        throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder stop(List<String> stop) {
      this.stop.clear();
      stop.forEach(s -> this.stop.add(Objects.requireNonNull(s, "stop element == null")));
      return this;
    }

    public Builder option(String key, Object value) {
      options.put(Objects.requireNonNull(key, "key == null"), Objects.requireNonNull(value, "value == null"));
      return this;
    }

    public LlmRequest build() {
      return new LlmRequest(this);
    }
  }
}
