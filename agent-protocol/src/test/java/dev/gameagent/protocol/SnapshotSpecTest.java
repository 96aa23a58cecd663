package dev.gameagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gameagent.core.AgentSpec;
import dev.gameagent.core.ErrorCode;
import org.junit.jupiter.api.Test;

/** {@link ClientMessage.AgentStateSnapshot#spec()} builds core's spec, or fails as a protocol error naming the field. */
class SnapshotSpecTest {
  private final ProtocolCodec codec = ProtocolCodec.newBuilder().build();

  private ClientMessage.AgentStateSnapshot snapshot(String state) {
    return (ClientMessage.AgentStateSnapshot) codec.decode(
        "{\"type\":\"agent_state_snapshot\",\"agent_id\":\"brom\",\"request_id\":\"r-1\",\"state\":" + state + "}",
        () -> "e");
  }

  @Test
  void validStateBuildsTheSpec() {
    AgentSpec spec = snapshot("{\"name\":\"Brom\",\"mood\":\"irritated\",\"history_limit\":12,"
        + "\"output_tags\":[{\"name\":\"speech\",\"description\":\"Words spoken aloud\"}],\"default_tag\":\"speech\"}").spec();
    assertThat(spec.name()).isEqualTo("Brom");
    assertThat(spec.historyLimit()).isEqualTo(12);
    assertThat(spec.defaultTag()).isEqualTo("speech");
    assertThat(spec.fields()).containsEntry("mood", "irritated");
  }

  @Test
  void missingNameIsAMissingField() {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> snapshot("{\"mood\":\"x\"}").spec());
    assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD);
    assertThat(e.field()).isEqualTo("state.name");
    assertThat(e.getMessage()).startsWith("state.name ");
    assertThat(e.inReplyTo()).isEqualTo("agent_state_snapshot");
    assertThat(e.agentId()).isEqualTo("brom");
    assertThat(e.requestId()).isEqualTo("r-1");
  }

  @Test
  void wrongTypeIsAnInvalidFieldNamedUnderState() {
    ProtocolException e = catchThrowableOfType(ProtocolException.class,
        () -> snapshot("{\"name\":\"Brom\",\"history_limit\":\"many\"}").spec());
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(e.field()).isEqualTo("state.history_limit");
    assertThat(e.getMessage()).startsWith("state.history_limit ");

    ProtocolException tag = catchThrowableOfType(ProtocolException.class,
        () -> snapshot("{\"name\":\"Brom\",\"output_tags\":[{\"name\":\"speech\",\"self_closing\":\"yes\"}]}").spec());
    assertThat(tag.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(tag.field()).isEqualTo("state.output_tags[0].self_closing");
  }

  @Test
  void theErrorFrameNamesTheSnapshot() throws Exception {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> snapshot("{\"name\":7}").spec());
    var frame = codec.mapper().readTree(codec.error(e));
    assertThat(frame.get("code").asText()).isEqualTo(e.code().wireName());
    assertThat(frame.get("in_reply_to").asText()).isEqualTo("agent_state_snapshot");
    assertThat(frame.get("agent_id").asText()).isEqualTo("brom");
    assertThat(frame.get("request_id").asText()).isEqualTo("r-1");
    assertThat(frame.get("message").asText()).startsWith("state.name");
  }
}
