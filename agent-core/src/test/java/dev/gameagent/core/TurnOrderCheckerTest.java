package dev.gameagent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gameagent.core.TurnEvent.Cause;
import dev.gameagent.core.TurnEvent.InterruptReason;
import dev.gameagent.core.llm.Usage;
import dev.gameagent.core.parser.TagRejection;
import dev.gameagent.core.testing.TurnOrderChecker;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The checker accepts valid turns and catches each kind of violation, shown on known-bad sequences. */
class TurnOrderCheckerTest {
  private static final String A = "brom";

  static TurnEvent started(String turn) {
    return new TurnEvent.Started(A, turn, "e-1", Cause.INTERACTION_EVENT, "m", new TurnEvent.PromptStats(2, 0, 0, 10));
  }

  static TurnEvent open(String turn, int index, String tag) {
    return new TurnEvent.TagOpen(A, turn, index, tag, Map.of());
  }

  static TurnEvent chunk(String turn, int index, String tag, String text) {
    return new TurnEvent.TagChunk(A, turn, index, tag, text);
  }

  static TurnEvent close(String turn, int index, String tag, String content) {
    return new TurnEvent.TagClose(A, turn, index, tag, content, true);
  }

  static TurnEvent finished(String turn) {
    return new TurnEvent.Finished(A, turn, "stop", new Usage(1, 2), new TurnEvent.Timing(1, 2, 3), List.of(), null);
  }

  static TurnEvent interrupted(String turn) {
    return new TurnEvent.Interrupted(A, turn, InterruptReason.SUPERSEDED, "e-2");
  }

  private static TurnOrderChecker check(TurnEvent... events) {
    TurnOrderChecker checker = new TurnOrderChecker();
    for (TurnEvent event : events) {
      checker.accept(event);
    }
    return checker;
  }

  @Test
  void acceptsAFullTurn() {
    TurnOrderChecker checker = check(
        started("t-1"),
        open("t-1", 0, "speech"), chunk("t-1", 0, "speech", "Halt! "), chunk("t-1", 0, "speech", "Who goes there?"),
        close("t-1", 0, "speech", "Halt! Who goes there?"),
        open("t-1", 1, "action"), close("t-1", 1, "action", ""),
        finished("t-1"));
    checker.assertAllEnded();
    assertThat(checker.turnCount()).isEqualTo(1);
    assertThat(checker.terminal(A, "t-1")).isInstanceOf(TurnEvent.Finished.class);
  }

  @Test
  void acceptsATurnThatEndsBeforeItStarts() {
    TurnEvent timeout = new TurnEvent.Finished(A, "t-1", "error", null, new TurnEvent.Timing(5000, -1, 5000),
        List.of(), new TurnEvent.TurnError(ErrorCode.STATE_TIMEOUT, "no state", null));
    check(timeout).assertAllEnded();
  }

  @Test
  void acceptsAnInterruptedTurnWithATagLeftOpen() {
    check(started("t-1"), open("t-1", 0, "speech"), chunk("t-1", 0, "speech", "Hal"), interrupted("t-1"),
        started("t-2"), finished("t-2")).assertAllEnded();
  }

  @Test
  void acceptsRejectionsAndAnotherAgentInterleaving() {
    TurnEvent otherStarted = new TurnEvent.Started("mira", "t-2", "e-2", Cause.INTERACTION_EVENT, "m",
        new TurnEvent.PromptStats(2, 0, 0, 10));
    TurnEvent otherFinished = new TurnEvent.Finished("mira", "t-2", "tool_calls", null, new TurnEvent.Timing(0, 0, 0),
        List.of(new TagRejection("action", TagRejection.ATTRIBUTE_NOT_ALLOWED)), null);
    check(started("t-1"), otherStarted, open("t-1", 0, "speech"), otherFinished, close("t-1", 0, "speech", ""),
        finished("t-1")).assertAllEnded();
  }

  static Stream<Arguments> badSequences() {
    return Stream.of(
        Arguments.of("two Started", List.of(started("t-1"), started("t-1"), finished("t-1")), "second Started"),
        Arguments.of("tag before Started", List.of(open("t-1", 0, "speech"), close("t-1", 0, "speech", ""), finished("t-1")),
            "tag event before Started"),
        Arguments.of("Started after tags", List.of(started("t-1"), open("t-1", 0, "speech"), close("t-1", 0, "speech", ""),
            started("t-1"), finished("t-1")), "second Started"),
        Arguments.of("index gap", List.of(started("t-1"), open("t-1", 1, "speech"), close("t-1", 1, "speech", ""),
            finished("t-1")), "tag index 1, expected 0"),
        Arguments.of("repeated index", List.of(started("t-1"), open("t-1", 0, "speech"), close("t-1", 0, "speech", ""),
            open("t-1", 0, "speech"), close("t-1", 0, "speech", ""), finished("t-1")), "tag index 0, expected 1"),
        Arguments.of("open while open", List.of(started("t-1"), open("t-1", 0, "speech"), open("t-1", 1, "emotion"),
            close("t-1", 1, "emotion", ""), finished("t-1")), "while tag 0 is open"),
        Arguments.of("chunk without open", List.of(started("t-1"), chunk("t-1", 0, "speech", "x"), finished("t-1")),
            "with no tag open"),
        Arguments.of("chunk of other index", List.of(started("t-1"), open("t-1", 0, "speech"),
            chunk("t-1", 1, "speech", "x"), close("t-1", 0, "speech", ""), finished("t-1")), "while speech#0 is open"),
        Arguments.of("close of other tag", List.of(started("t-1"), open("t-1", 0, "speech"),
            close("t-1", 0, "emotion", ""), finished("t-1")), "while speech#0 is open"),
        Arguments.of("two closes", List.of(started("t-1"), open("t-1", 0, "speech"), close("t-1", 0, "speech", ""),
            close("t-1", 0, "speech", ""), finished("t-1")), "with no tag open"),
        Arguments.of("empty chunk", List.of(started("t-1"), open("t-1", 0, "speech"), chunk("t-1", 0, "speech", ""),
            close("t-1", 0, "speech", ""), finished("t-1")), "empty chunk"),
        Arguments.of("chunks differ from content", List.of(started("t-1"), open("t-1", 0, "speech"),
            chunk("t-1", 0, "speech", "Hal"), close("t-1", 0, "speech", "Halt"), finished("t-1")),
            "chunks concatenate to \"Hal\", content is \"Halt\""),
        Arguments.of("Finished with a tag open", List.of(started("t-1"), open("t-1", 0, "speech"), finished("t-1")),
            "Finished while tag 0 is open"),
        Arguments.of("event after terminal", List.of(started("t-1"), finished("t-1"), open("t-1", 0, "speech")),
            "event after the terminal event"),
        Arguments.of("two terminals", List.of(started("t-1"), interrupted("t-1"), finished("t-1")),
            "event after the terminal event"),
        Arguments.of("error without error reason", List.of(new TurnEvent.Finished(A, "t-1", "stop", null,
            new TurnEvent.Timing(0, 0, 0), List.of(), new TurnEvent.TurnError(ErrorCode.LLM_ERROR, "x", 500))),
            "finish reason stop with error"),
        Arguments.of("error reason without error", List.of(new TurnEvent.Finished(A, "t-1", "error", null,
            new TurnEvent.Timing(0, 0, 0), List.of(), null)), "finish reason error with error null"),
        Arguments.of("unknown finish reason", List.of(new TurnEvent.Finished(A, "t-1", "done", null,
            new TurnEvent.Timing(0, 0, 0), List.of(), null)), "unknown finish reason done"),
        Arguments.of("Finished without timing", List.of(started("t-1"), new TurnEvent.Finished(A, "t-1", "stop", null,
            null, List.of(), null)), "Finished without timing"),
        Arguments.of("Interrupted without reason", List.of(started("t-1"),
            new TurnEvent.Interrupted(A, "t-1", null, null)), "Interrupted without a reason"),
        Arguments.of("new turn before the old one ended", List.of(started("t-1"), started("t-2"), interrupted("t-1"),
            finished("t-2")), "event while turn t-1 of the same agent has not ended"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSequences")
  void catchesViolation(String name, List<TurnEvent> events, String expected) {
    TurnOrderChecker checker = check(events.toArray(new TurnEvent[0]));
    assertThat(checker.violations()).anySatisfy(v -> assertThat(v).contains(expected));
    assertThatThrownBy(checker::assertValid).isInstanceOf(AssertionError.class).hasMessageContaining(expected);
  }

  @Test
  void catchesATurnWithoutTerminal() {
    TurnOrderChecker checker = check(started("t-1"), open("t-1", 0, "speech"));
    checker.assertValid();
    assertThatThrownBy(checker::assertAllEnded).hasMessageContaining("without a terminal event");
    assertThatThrownBy(() -> checker.assertEnded(A, List.of("t-1"))).hasMessageContaining("has no terminal event");
  }

  @Test
  void overlappingTurnsOfOneAgentAreAllowedWhenNotRequired() {
    TurnOrderChecker checker = new TurnOrderChecker(false);
    for (TurnEvent e : List.of(started("t-1"), started("t-2"), interrupted("t-1"), finished("t-2"))) {
      checker.accept(e);
    }
    checker.assertAllEnded();
  }
}
