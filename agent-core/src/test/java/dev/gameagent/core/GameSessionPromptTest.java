package dev.gameagent.core;

import static dev.gameagent.core.EngineFixture.BROM;
import static dev.gameagent.core.EngineFixture.BROM_WITH_TOOLS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gameagent.core.llm.ChatMessage;
import dev.gameagent.core.llm.LlmRequest;
import dev.gameagent.core.parser.TagRejection;
import dev.gameagent.core.testing.ScriptedLlmClient.Script;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a turn's prompt and stream are made of, end to end through a session: the default output
 * tags of a spec that declares none, the default history limit, the game's own spec fields, tool
 * results as user text.
 */
class GameSessionPromptTest {
  private final EngineFixture f = new EngineFixture();

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aSpecWithoutOutputTagsStreamsAndEnforcesTheDefaultTags() {
    f.llm.enqueue(Script.of("<speech>Halt.</speech><emotion>angry</emotion><emotion>bored</emotion>"
        + "<action name=\"juggle\"/><shout>Hey</shout>"));
    String turnId = f.session.interact("brom", f.event("Hello"));
    f.answerState(BROM);

    TurnEvent.Finished finished = (TurnEvent.Finished) f.events.nextTerminal(turnId);

    assertThat(f.events.events(turnId)).filteredOn(TurnEvent.TagClose.class::isInstance)
        .map(e -> ((TurnEvent.TagClose) e).tag() + "=" + ((TurnEvent.TagClose) e).content())
        .containsExactly("speech=Halt.", "emotion=angry", "action=");
    assertThat(f.events.events(turnId)).filteredOn(TurnEvent.TagOpen.class::isInstance)
        .map(e -> ((TurnEvent.TagOpen) e).attributes()).last().isEqualTo(Map.of("name", "juggle"));
    assertThat(finished.rejected()).containsExactly(new TagRejection("emotion", TagRejection.VALUE_NOT_ALLOWED));
    String system = f.llm.calls().get(0).request().messages().get(0).content();
    assertThat(system).contains("speech", "emotion", "action", "neutral, happy, sad, angry, afraid, surprised");
  }

  @Test
  void thePromptHoldsTheFortyMostRecentEntriesByDefault() {
    for (int i = 1; i <= 45; i++) {
      f.session.notify(List.of("brom"), f.event("rumour " + i));
    }
    f.llm.enqueue(Script.of("<speech>Hm.</speech>"));
    String turnId = f.session.interact("brom", f.event("Any news?"));
    f.answerState(BROM);

    TurnEvent.Started started = f.events.next(TurnEvent.Started.class, turnId);

    assertThat(started.prompt().historyIncluded()).isEqualTo(40);
    assertThat(started.prompt().historyDropped()).isEqualTo(5);
    String prompt = userText(f.llm.awaitCall(0).request());
    assertThat(prompt).contains("\"rumour 6\"", "\"rumour 45\"", "\"Any news?\"").doesNotContain("\"rumour 5\"");
    f.events.nextTerminal(turnId);
  }

  @Test
  void theGamesOwnSpecFieldsReachTheSystemPromptUnderTheirNames() {
    AgentSpec spec = AgentSpec.fromMap(Map.of("name", "Brom", "secrets", "owes the mayor money",
        "faction", Map.of("name", "North Watch", "rank", 3)));
    f.llm.enqueue(Script.of("<speech>Hm.</speech>"));
    String turnId = f.session.interact("brom", f.event("Hello"));
    f.answerState(spec);
    f.events.nextTerminal(turnId);

    String system = f.llm.calls().get(0).request().messages().get(0).content();

    assertThat(system).contains("Secrets: owes the mayor money", "Faction:", "name: North Watch", "rank: 3");
  }

  @Test
  void toolResultsReachTheContinuationAsUserTextNeverAToolRole() {
    f.llm.enqueue(Script.of("<tool_call name=\"check_inventory\">{\"item\":\"key\"}</tool_call>"));
    f.llm.enqueue(Script.of("<speech>Here.</speech>"));
    String t1 = f.session.interact("brom", f.event("Key?"));
    f.answerState(BROM_WITH_TOOLS);
    f.events.nextTerminal(t1);

    String t2 = f.session.submitToolResults("brom", t1,
        List.of(new ToolResult(t1 + ".c1", "check_inventory", Map.of("found", true), false)));
    f.answerState(BROM_WITH_TOOLS);
    f.events.nextTerminal(t2);

    List<ChatMessage> messages = f.llm.calls().get(1).request().messages();
    assertThat(messages).extracting(ChatMessage::role)
        .containsExactly(ChatMessage.Role.SYSTEM, ChatMessage.Role.USER, ChatMessage.Role.ASSISTANT, ChatMessage.Role.USER);
    assertThat(messages.get(3).content())
        .isEqualTo("Tool results for turn " + t1 + ": check_inventory (" + t1 + ".c1) -> {\"found\":true}");
  }

  private static String userText(LlmRequest request) {
    StringBuilder out = new StringBuilder();
    for (ChatMessage message : request.messages()) {
      if (message.role() == ChatMessage.Role.USER) {
        out.append(message.content()).append('\n');
      }
    }
    return out.toString();
  }
}
