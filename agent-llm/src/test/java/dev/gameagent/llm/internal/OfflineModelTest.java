package dev.gameagent.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OutputTag;
import dev.gameagent.core.ToolResult;
import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmCall;
import dev.gameagent.core.llm.LlmCompletion;
import dev.gameagent.core.llm.LlmException;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.llm.LlmStreamHandler;
import dev.gameagent.core.parser.TagListener;
import dev.gameagent.core.parser.TagParser;
import dev.gameagent.core.parser.TagRejection;
import dev.gameagent.llm.LlmConfig;
import dev.gameagent.llm.RecordingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The offline default model, end to end: its streamed output is run through core's {@link TagParser}
 * with the spec's declared tags, so "uses only declared tags and values" is checked by the same
 * parser the server uses.
 */
class OfflineModelTest {
  /** The protocol's example spec. */
  static final Map<String, Object> BROM = Map.of(
      "name", "Brom",
      "role", "town guard",
      "mood", "irritated",
      "location", "north gate",
      "output_tags", List.of(
          Map.of("name", "speech", "description", "Words spoken aloud"),
          Map.of("name", "emotion", "description", "Current emotion", "values", List.of("neutral", "angry", "happy")),
          Map.of("name", "action", "description", "A body action",
              "attributes", Map.of("name", List.of("wave", "draw_sword", "open_gate")), "self_closing", true)),
      "default_tag", "speech",
      "tools", List.of(Map.of("name", "check_inventory", "description", "Look up an item",
          "parameters", Map.of("type", "object", "properties", Map.of("item", Map.of("type", "string"))))));

  private final OfflineClient client = new OfflineClient(LlmConfig.builder().offlineTokensPerSecond(0).build());

  @AfterEach
  void close() {
    client.close();
  }

  /** One closed tag as the parser reports it. */
  record Tag(String name, Map<String, String> attributes, String content, boolean complete) {}

  /** What the parser made of a streamed answer. */
  record Parsed(List<Tag> tags, List<TagRejection> rejections, List<String> pieces, LlmCompletion completion) {
    Tag first(String name) {
      return tags.stream().filter(t -> t.name.equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no <" + name + "> in " + tags));
    }

    String speech() {
      return first("speech").content;
    }
  }

  private static LlmRequest request(AgentSpec spec, String source, String text) {
    LlmRequest.Builder b = LlmRequest.builder()
        .addMessage(ChatMessage.system("You are " + spec.name()))
        .addMessage(ChatMessage.user(source + ": " + text))
        .option(LlmRequest.OPTION_AGENT_SPEC, spec)
        .option(LlmRequest.OPTION_ACTIVE_EVENT, new InteractionEvent("e1", "player_said", source, spec.name(), text,
            java.time.Instant.EPOCH, null, Map.of()));
    return b.build();
  }

  private Parsed run(AgentSpec spec, LlmRequest request) {
    RecordingHandler h = new RecordingHandler();
    client.stream(request, h);
    LlmCompletion completion = h.awaitComplete();
    h.assertNoViolations();
    List<String> pieces = h.events().stream().filter(e -> e.kind().equals("text")).map(RecordingHandler.Event::text).toList();
    List<Tag> tags = new ArrayList<>();
    Map<Integer, Map<String, String>> attributes = new LinkedHashMap<>();
    TagParser parser = TagParser.builder()
        .tags(spec.outputTags())
        .defaultTag(spec.defaultTag())
        .tools(spec.tools().stream().map(t -> t.name()).toList())
        .callIdPrefix("t-1")
        .listener(new TagListener() {
          @Override
          public void onOpen(int index, String tag, Map<String, String> attrs) {
            attributes.put(index, attrs);
          }

          @Override
          public void onChunk(int index, String tag, String text) {}

          @Override
          public void onClose(int index, String tag, String content, boolean complete) {
            tags.add(new Tag(tag, attributes.get(index), content, complete));
          }
        })
        .build();
    pieces.forEach(parser::feed);
    parser.finish();
    return new Parsed(tags, parser.rejections(), pieces, completion);
  }

  private Parsed say(Map<String, Object> spec, String text) {
    AgentSpec s = AgentSpec.fromMap(spec);
    return run(s, request(s, "Player", text));
  }

  private static void assertOnlyDeclared(AgentSpec spec, Parsed p) {
    assertThat(p.rejections).isEmpty();
    assertThat(p.tags).allMatch(Tag::complete);
    Set<String> declared = spec.outputTags().stream().map(OutputTag::name).collect(Collectors.toSet());
    if (!spec.tools().isEmpty()) {
      declared.add("tool_call");
    }
    assertThat(p.tags).extracting(Tag::name).allMatch(declared::contains);
  }

  @Test
  void greetingAnswersInCharacterWithDeclaredTagsOnly() {
    Parsed p = say(BROM, "Hello there!");

    assertOnlyDeclared(AgentSpec.fromMap(BROM), p);
    assertThat(p.tags).extracting(Tag::name).containsExactly("emotion", "action", "speech");
    assertThat(p.first("emotion").content).isIn("neutral", "angry", "happy");
    assertThat(p.first("action").attributes).containsEntry("name", "wave");
    assertThat(p.speech()).contains("Player").contains("Brom").contains("town guard").contains("north gate").contains("irritated");
  }

  @Test
  void threatMakesTheGuardAngryAndDrawHisSword() {
    Parsed p = say(BROM, "Open the gate or I will kill you!");

    assertOnlyDeclared(AgentSpec.fromMap(BROM), p);
    assertThat(p.first("emotion").content).isEqualTo("angry");
    assertThat(p.first("action").attributes).containsEntry("name", "draw_sword");
    assertThat(p.speech()).isNotBlank();
  }

  @Test
  void threatToAFearfulCharacterMakesItAfraid() {
    Map<String, Object> spec = new LinkedHashMap<>(BROM);
    spec.put("mood", "afraid");
    spec.put("output_tags", List.of(Map.of("name", "speech"), Map.of("name", "emotion", "values", List.of("neutral", "afraid", "angry"))));

    Parsed p = say(spec, "I'll burn your house down");

    assertThat(p.first("emotion").content).isEqualTo("afraid");
    assertThat(p.speech()).contains("Player");
  }

  @Test
  void questionsAreAnsweredFromTheCharacter() {
    assertThat(say(BROM, "Where are we?").speech()).contains("north gate");
    assertThat(say(BROM, "Who are you?").speech()).contains("Brom").contains("town guard");
    assertThat(say(BROM, "How are you feeling?").speech()).contains("irritated");
    Parsed other = say(BROM, "Is the mayor in town?");
    assertThat(other.speech()).isNotBlank();
    assertOnlyDeclared(AgentSpec.fromMap(BROM), other);
  }

  @Test
  void farewellThanksAndAnythingElse() {
    assertThat(say(BROM, "Goodbye, guard").speech()).containsAnyOf("Farewell", "Goodbye", "Until next time");
    assertThat(say(BROM, "Thanks for the help").speech()).containsAnyOf("welcome", "Glad", "Any time");
    assertThat(say(BROM, "The weather is nice").speech()).isNotBlank();
    assertThat(say(BROM, "").speech()).contains("Player");
  }

  @Test
  void namingAToolCallsItWithJsonArguments() {
    Parsed p = say(BROM, "Can you check inventory for the gate key?");

    assertOnlyDeclared(AgentSpec.fromMap(BROM), p);
    Tag call = p.first("tool_call");
    assertThat(call.attributes).containsEntry("name", "check_inventory").containsEntry("call_id", "t-1.c1");
    assertThat(call.content).isEqualTo("{\"item\":\"gate key\"}");
    assertThat(p.tags.get(p.tags.size() - 1).name).isEqualTo("tool_call");
    assertThat(p.speech()).isNotBlank();
  }

  @Test
  void continuationAnswersFromTheToolResult() {
    AgentSpec spec = AgentSpec.fromMap(BROM);
    LlmRequest request = LlmRequest.builder()
        .addMessage(ChatMessage.system("You are Brom"))
        .addMessage(ChatMessage.user("Tool check_inventory returned {\"found\":true,\"count\":2}"))
        .option(LlmRequest.OPTION_AGENT_SPEC, spec)
        .option(LlmRequest.OPTION_TOOL_RESULTS, List.of(new ToolResult("t-1.c1", "check_inventory", Map.of("found", true, "count", 2), false)))
        .build();

    Parsed p = run(spec, request);

    assertOnlyDeclared(spec, p);
    assertThat(p.tags).extracting(Tag::name).doesNotContain("tool_call");
    assertThat(p.speech()).contains("found: yes").contains("count: 2");
  }

  @Test
  void aTurnWithAnEventAnswersTheEventEvenWithOlderToolResults() {
    AgentSpec spec = AgentSpec.fromMap(BROM);
    LlmRequest request = request(spec, "Player", "Goodbye").newBuilder()
        .option(LlmRequest.OPTION_TOOL_RESULTS, List.of(new ToolResult("t-1.c1", "check_inventory", Map.of("found", true), false)))
        .build();

    assertThat(run(spec, request).speech()).doesNotContain("found").containsAnyOf("Farewell", "Goodbye", "Until next time");
  }

  @Test
  void failedToolResultIsToldAsSuch() {
    AgentSpec spec = AgentSpec.fromMap(BROM);
    LlmRequest request = LlmRequest.builder()
        .addMessage(ChatMessage.user("result"))
        .option(LlmRequest.OPTION_AGENT_SPEC, spec)
        .option(LlmRequest.OPTION_TOOL_RESULTS, List.of(new ToolResult("t-1.c1", "check_inventory", "no such item", true)))
        .build();

    assertThat(run(spec, request).speech()).contains("didn't work").contains("no such item");
  }

  @Test
  void customTagsAndValuesAreRespected() {
    Map<String, Object> spec = Map.of(
        "name", "Mira", "role", "innkeeper",
        "output_tags", List.of(
            Map.of("name", "Say"),
            Map.of("name", "mood", "values", List.of("Calm", "Furious")),
            Map.of("name", "gesture", "attributes", Map.of("type", List.of("bow", "point")), "self_closing", true)));
    AgentSpec s = AgentSpec.fromMap(spec);

    Parsed greeting = say(spec, "Good morning");
    Parsed threat = say(spec, "Give me your gold or die");

    assertOnlyDeclared(s, greeting);
    assertOnlyDeclared(s, threat);
    assertThat(greeting.tags).extracting(Tag::name).containsExactly("mood", "gesture", "Say");
    assertThat(greeting.first("mood").content).isEqualTo("Calm");
    assertThat(greeting.first("gesture").attributes).containsEntry("type", "bow");
    assertThat(greeting.first("Say").content).contains("Mira").contains("innkeeper");
    assertThat(threat.first("mood").content).isEqualTo("Furious");
    assertThat(threat.tags).extracting(Tag::name).doesNotContain("gesture");
  }

  @Test
  void noTagIsWrittenWhenNothingDeclaredFits() {
    Map<String, Object> spec = Map.of("name", "Golem",
        "output_tags", List.of(Map.of("name", "speech"), Map.of("name", "emotion", "values", List.of("stone"))));

    Parsed p = say(spec, "Hello");

    assertOnlyDeclared(AgentSpec.fromMap(spec), p);
    assertThat(p.tags).extracting(Tag::name).containsExactly("speech");
  }

  @Test
  void defaultTagsWithoutAnyOption() {
    LlmRequest bare = LlmRequest.builder().addMessage(ChatMessage.user("Hello!")).build();

    Parsed p = run(AgentSpec.builder("x").build(), bare);

    assertOnlyDeclared(AgentSpec.builder("x").build(), p);
    assertThat(p.tags).extracting(Tag::name).containsExactly("emotion", "action", "speech");
    assertThat(p.first("emotion").content).isEqualTo("happy");
    assertThat(p.speech()).containsAnyOf("Hello", "Greetings", "Well met").contains("traveler");
  }

  @Test
  void streamsSmallPiecesThatSplitTags() {
    Parsed p = say(BROM, "Hello there!");

    assertThat(p.pieces).allSatisfy(piece -> assertThat(piece.length()).isBetween(1, 4));
    assertThat(p.pieces).anyMatch(piece -> piece.contains("<") && !piece.contains(">"));
    assertThat(p.pieces.size()).isGreaterThan(20);
  }

  @Test
  void reportsUsage() {
    Parsed p = say(BROM, "Hello there!");

    assertThat(p.completion.finishReason()).isEqualTo("stop");
    assertThat(p.completion.usage().completionTokens()).isEqualTo(p.pieces.size());
    assertThat(p.completion.usage().promptTokens()).isPositive();
  }

  @Test
  void sameRequestSameOutput() {
    AgentSpec spec = AgentSpec.fromMap(BROM);
    LlmRequest request = request(spec, "Player", "What news from the city?");

    Parsed a = run(spec, request);
    Parsed b = run(spec, request);

    assertThat(b.pieces).isEqualTo(a.pieces);
    assertThat(b.completion).isEqualTo(a.completion);
  }

  @Test
  void maxTokensCutsTheAnswerWithFinishLength() {
    AgentSpec spec = AgentSpec.fromMap(BROM);
    LlmRequest request = request(spec, "Player", "Hello").newBuilder().maxTokens(5).build();

    Parsed p = run(spec, request);

    assertThat(p.pieces).hasSize(5);
    assertThat(p.completion.finishReason()).isEqualTo("length");
  }

  @Test
  void callbacksArriveOnTheModelsThreadsNeverTheCallers() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    RecordingHandler h = new RecordingHandler();
    client.stream(request(AgentSpec.fromMap(BROM), "Player", "Hello"), new LlmStreamHandler() {
      @Override
      public void onText(String delta) {
        threads.add(Thread.currentThread().getName());
      }

      @Override
      public void onComplete(LlmCompletion completion) {
        threads.add(Thread.currentThread().getName());
        h.onComplete(completion);
      }

      @Override
      public void onError(LlmException error) {
        h.onError(error);
      }
    });

    h.awaitComplete();
    assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("gameagent-llm-offline"));
  }

  @Test
  void cancelStopsTheStreamAndNothingFollows() {
    OfflineClient paced = new OfflineClient(LlmConfig.builder().offlineTokensPerSecond(200).build());
    try {
      RecordingHandler h = new RecordingHandler();
      LlmCall call = paced.stream(request(AgentSpec.fromMap(BROM), "Player", "Hello"), h);
      h.awaitText();
      call.cancel();
      h.cancelled();

      await().atMost(Duration.ofSeconds(30))
          .until(() -> paced.scheduler().getQueue().isEmpty() && paced.scheduler().getActiveCount() == 0);
      h.assertNoViolations();
      assertThat(h.hasTerminal()).isFalse();
    } finally {
      paced.close();
    }
  }
}
