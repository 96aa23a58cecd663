package dev.gameagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gameagent.core.ConfirmedTag;
import dev.gameagent.core.ErrorCode;
import dev.gameagent.core.InteractionEvent;
import dev.gameagent.core.OnBusy;
import dev.gameagent.core.ToolResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every client message type, valid in snake_case and camelCase, flat and nested events, every alias
 * and timestamp form, and every decode error with the field it names. Quotes are written as
 * {@code '} in the table and turned into {@code "} before decoding.
 */
class DecodeTableTest {
  static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  static final ProtocolCodec CODEC = ProtocolCodec.newBuilder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  /** One table row: a message and either a check of what it decodes to or the error it gets. */
  record Row(String name, String json, Consumer<ClientMessage> check, ErrorCode code, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Row ok(String name, String json, Consumer<ClientMessage> check) {
    return new Row(name, json.replace('\'', '"'), check, null, null);
  }

  static Row error(String name, String json, ErrorCode code, String field) {
    return new Row(name, json.replace('\'', '"'), null, code, field);
  }

  /** A check of the single event of an interaction_event. */
  static Consumer<ClientMessage> event(Consumer<InteractionEvent> check) {
    return message -> {
      assertThat(message).isInstanceOf(ClientMessage.InteractionEventMessage.class);
      ClientMessage.InteractionEventMessage interaction = (ClientMessage.InteractionEventMessage) message;
      assertThat(interaction.agentId()).isEqualTo("brom");
      check.accept(interaction.event());
    };
  }

  static Consumer<ClientMessage> is(ClientMessage expected) {
    return message -> assertThat(message).isEqualTo(expected);
  }

  static Consumer<ClientMessage> timestamp(String iso) {
    return event(e -> assertThat(e.timestamp()).isEqualTo(Instant.parse(iso)));
  }

  static InteractionEvent canonical(String id, String kind, String source, String target, String text,
      Instant timestamp, OnBusy onBusy, Map<String, Object> data) {
    return new InteractionEvent(id, kind, source, target, text, timestamp, onBusy, data);
  }

  static Stream<Row> valid() {
    return Stream.of(
        ok("ping without id", "{'type':'ping'}", is(new ClientMessage.Ping(null))),
        ok("ping with string id", "{'type':'ping','id':'p-1'}", is(new ClientMessage.Ping("p-1"))),
        ok("ping with number id kept a number", "{'type':'ping','id':7}", is(new ClientMessage.Ping(7))),
        ok("interaction nested, every canonical field, snake_case",
            "{'type':'interaction_event','agent_id':'brom','event':{'event_id':'e1','kind':'player_said',"
                + "'source':'player','target':'brom','text':'Halt?','timestamp':1700000000000,'on_busy':'queue',"
                + "'item':'sword','extra':{'a':[1,2.5,true,null]}}}",
            is(new ClientMessage.InteractionEventMessage("brom", canonical("e1", "player_said", "player", "brom",
                "Halt?", Instant.ofEpochMilli(1700000000000L), OnBusy.QUEUE,
                Map.of("item", "sword", "extra", Map.of("a", java.util.Arrays.asList(1, 2.5, true, null))))))),
        ok("interaction nested, camelCase", "{'type':'interaction_event','agentId':'brom','event':{'eventId':'e2',"
                + "'eventType':'gift','onBusy':'drop','text':'a rose'}}",
            event(e -> {
              assertThat(e.eventId()).isEqualTo("e2");
              assertThat(e.kind()).isEqualTo("gift");
              assertThat(e.onBusy()).isEqualTo(OnBusy.DROP);
              assertThat(e.text()).isEqualTo("a rose");
              assertThat(e.data()).isEmpty();
            })),
        ok("interaction flat: the event's fields at the top level",
            "{'type':'interaction_event','agent_id':'brom','speaker':'player','message':'hi','mood':'angry'}",
            is(new ClientMessage.InteractionEventMessage("brom", canonical("gen-1", "event", "player", null, "hi", NOW,
                OnBusy.INTERRUPT, Map.of("mood", "angry"))))),
        ok("flat: the message type is not the kind",
            "{'type':'interaction_event','agent_id':'brom','text':'x'}", event(e -> assertThat(e.kind()).isEqualTo("event"))),
        ok("nested: type inside event is the kind",
            "{'type':'interaction_event','agent_id':'brom','event':{'type':'door_opened'}}",
            event(e -> assertThat(e.kind()).isEqualTo("door_opened"))),
        ok("alias id", "{'type':'interaction_event','agent_id':'brom','event':{'id':'e9'}}",
            event(e -> assertThat(e.eventId()).isEqualTo("e9"))),
        ok("alias id as a number", "{'type':'interaction_event','agent_id':'brom','event':{'id':41}}",
            event(e -> assertThat(e.eventId()).isEqualTo("41"))),
        ok("alias event_type", "{'type':'interaction_event','agent_id':'brom','event_type':'attack'}",
            event(e -> assertThat(e.kind()).isEqualTo("attack"))),
        ok("alias name", "{'type':'interaction_event','agent_id':'brom','name':'wave_at'}",
            event(e -> assertThat(e.kind()).isEqualTo("wave_at"))),
        ok("alias speaker", "{'type':'interaction_event','agent_id':'brom','speaker':'mira'}",
            event(e -> assertThat(e.source()).isEqualTo("mira"))),
        ok("alias actor", "{'type':'interaction_event','agent_id':'brom','event':{'actor':'wolf'}}",
            event(e -> assertThat(e.source()).isEqualTo("wolf"))),
        ok("alias from", "{'type':'interaction_event','agent_id':'brom','event':{'from':'mayor'}}",
            event(e -> assertThat(e.source()).isEqualTo("mayor"))),
        ok("alias to", "{'type':'interaction_event','agent_id':'brom','event':{'to':'guard'}}",
            event(e -> assertThat(e.target()).isEqualTo("guard"))),
        ok("alias content", "{'type':'interaction_event','agent_id':'brom','event':{'content':'c'}}",
            event(e -> assertThat(e.text()).isEqualTo("c"))),
        ok("alias message", "{'type':'interaction_event','agent_id':'brom','event':{'message':'m'}}",
            event(e -> {
              assertThat(e.text()).isEqualTo("m");
              assertThat(e.data()).isEmpty();
            })),
        ok("alias eventType in a flat event", "{'type':'interaction_event','agentId':'brom','eventType':'trade','eventId':'e7'}",
            event(e -> {
              assertThat(e.kind()).isEqualTo("trade");
              assertThat(e.eventId()).isEqualTo("e7");
              assertThat(e.data()).isEmpty();
            })),
        ok("alias utterance", "{'type':'interaction_event','agent_id':'brom','utterance':'u'}",
            event(e -> assertThat(e.text()).isEqualTo("u"))),
        ok("alias line", "{'type':'interaction_event','agent_id':'brom','event':{'line':'l'}}",
            event(e -> assertThat(e.text()).isEqualTo("l"))),
        ok("non-string text: a number becomes its JSON text",
            "{'type':'interaction_event','agent_id':'brom','event':{'text':42.5}}",
            event(e -> assertThat(e.text()).isEqualTo("42.5"))),
        ok("alias time, epoch seconds", "{'type':'interaction_event','agent_id':'brom','event':{'time':1700000000}}",
            timestamp("2023-11-14T22:13:20Z")),
        ok("alias ts, epoch millis", "{'type':'interaction_event','agent_id':'brom','event':{'ts':1700000000123}}",
            timestamp("2023-11-14T22:13:20.123Z")),
        ok("epoch seconds with a fraction", "{'type':'interaction_event','agent_id':'brom','time':1700000000.25}",
            timestamp("2023-11-14T22:13:20.250Z")),
        ok("seconds/millis boundary: 99999999999 is seconds",
            "{'type':'interaction_event','agent_id':'brom','time':99999999999}", timestamp("5138-11-16T09:46:39Z")),
        ok("seconds/millis boundary: 100000000000 is millis",
            "{'type':'interaction_event','agent_id':'brom','time':100000000000}", timestamp("1973-03-03T09:46:40Z")),
        ok("numeric string timestamp", "{'type':'interaction_event','agent_id':'brom','timestamp':'1700000000'}",
            timestamp("2023-11-14T22:13:20Z")),
        ok("ISO-8601 with Z", "{'type':'interaction_event','agent_id':'brom','event':{'timestamp':'2024-05-01T12:00:00Z'}}",
            timestamp("2024-05-01T12:00:00Z")),
        ok("ISO-8601 with offset", "{'type':'interaction_event','agent_id':'brom','timestamp':'2024-05-01T12:00:00.5+02:00'}",
            timestamp("2024-05-01T10:00:00.5Z")),
        ok("numeric string timestamp in millis", "{'type':'interaction_event','agent_id':'brom','ts':'1700000000123'}",
            timestamp("2023-11-14T22:13:20.123Z")),
        ok("ISO-8601 with offset and zone id", "{'type':'interaction_event','agent_id':'brom',"
                + "'timestamp':'2024-05-01T12:00:00+02:00[Europe/Paris]'}", timestamp("2024-05-01T10:00:00Z")),
        ok("ISO-8601 with a zone id alone", "{'type':'interaction_event','agent_id':'brom',"
                + "'timestamp':'2024-01-15T12:00:00[Europe/Paris]'}", timestamp("2024-01-15T11:00:00Z")),
        ok("ISO-8601 local date-time is UTC", "{'type':'interaction_event','agent_id':'brom','ts':'2024-05-01T12:00:00'}",
            timestamp("2024-05-01T12:00:00Z")),
        ok("ISO-8601 with a space for T", "{'type':'interaction_event','agent_id':'brom','ts':'2024-05-01 12:00:00'}",
            timestamp("2024-05-01T12:00:00Z")),
        ok("ISO-8601 date alone is midnight UTC", "{'type':'interaction_event','agent_id':'brom','ts':'2024-05-01'}",
            timestamp("2024-05-01T00:00:00Z")),
        ok("canonical name wins; the losing alias is kept in data",
            "{'type':'interaction_event','agent_id':'brom','event':{'message':'second','text':'first','speaker':null}}",
            event(e -> {
              assertThat(e.text()).isEqualTo("first");
              assertThat(e.source()).isNull();
              assertThat(e.data()).containsExactly(Map.entry("message", "second"));
            })),
        ok("a data object is merged into data in order",
            "{'type':'interaction_event','agent_id':'brom','event':{'a':1,'data':{'b':2,'c':3},'d':4}}",
            event(e -> assertThat(e.data()).containsExactly(
                Map.entry("a", 1), Map.entry("b", 2), Map.entry("c", 3), Map.entry("d", 4)))),
        ok("on_busy beside a nested event", "{'type':'interaction_event','agent_id':'brom','on_busy':'queue','event':{}}",
            event(e -> assertThat(e.onBusy()).isEqualTo(OnBusy.QUEUE))),
        ok("onBusy camelCase, any case", "{'type':'interaction_event','agent_id':'brom','onBusy':' DROP '}",
            event(e -> assertThat(e.onBusy()).isEqualTo(OnBusy.DROP))),
        ok("defaults of an empty event",
            "{'type':'interaction_event','agent_id':'brom','event':{}}",
            is(new ClientMessage.InteractionEventMessage("brom",
                canonical("gen-1", "event", null, null, "", NOW, OnBusy.INTERRUPT, Map.of())))),
        ok("an empty event_id is generated", "{'type':'interaction_event','agent_id':'brom','event_id':''}",
            event(e -> assertThat(e.eventId()).isEqualTo("gen-1"))),
        ok("notification with agent_ids, nested",
            "{'type':'notification_event','agent_ids':['brom','mira'],'event':{'text':'thunder'}}",
            is(new ClientMessage.NotificationEventMessage(List.of("brom", "mira"),
                canonical("gen-1", "event", null, null, "thunder", NOW, OnBusy.INTERRUPT, Map.of())))),
        ok("notification agent_id and agentIds combine without duplicates, flat",
            "{'type':'notification_event','agent_id':'brom','agentIds':['mira','brom'],'kind':'weather','text':'rain'}",
            is(new ClientMessage.NotificationEventMessage(List.of("brom", "mira"),
                canonical("gen-1", "weather", null, null, "rain", NOW, OnBusy.INTERRUPT, Map.of())))),
        ok("notification with agent_id alone", "{'type':'notification_event','agent_id':'brom','text':'x'}",
            m -> assertThat(((ClientMessage.NotificationEventMessage) m).agentIds()).containsExactly("brom")),
        ok("agent_state_snapshot snake_case",
            "{'type':'agent_state_snapshot','agent_id':'brom','request_id':'r1','state':{'name':'Brom','mood':'tired'}}",
            is(new ClientMessage.AgentStateSnapshot("brom", "r1", Map.of("name", "Brom", "mood", "tired")))),
        ok("agent_state_snapshot camelCase, unsolicited",
            "{'type':'agent_state_snapshot','agentId':'brom','state':{'name':'Brom'},'unknownField':true}",
            is(new ClientMessage.AgentStateSnapshot("brom", null, Map.of("name", "Brom")))),
        ok("agent_state_snapshot requestId camelCase",
            "{'type':'agent_state_snapshot','agentId':'brom','requestId':'r2','state':{}}",
            m -> assertThat(((ClientMessage.AgentStateSnapshot) m).requestId()).isEqualTo("r2")),
        ok("agent_turn_result with tags, snake_case",
            "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t-3','interrupted':true,"
                + "'tags':[{'tag':'speech','attributes':{},'content':'Halt! Who goes th'},"
                + "{'tag':'action','attributes':{'name':'wave','times':2}}]}",
            is(new ClientMessage.AgentTurnResult("brom", "t-3", List.of(
                new ConfirmedTag("speech", Map.of(), "Halt! Who goes th"),
                new ConfirmedTag("action", Map.of("name", "wave", "times", "2"), "")), null, true))),
        ok("agent_turn_result with buffer, camelCase",
            "{'type':'agent_turn_result','agentId':'brom','turnId':'t-4','buffer':'<speech>Halt!</speech>'}",
            is(new ClientMessage.AgentTurnResult("brom", "t-4", null, "<speech>Halt!</speech>", false))),
        ok("agent_turn_result: tags win over buffer",
            "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t-5','buffer':'x','tags':[]}",
            is(new ClientMessage.AgentTurnResult("brom", "t-5", List.of(), null, false))),
        ok("tool_results snake_case",
            "{'type':'tool_results','agent_id':'brom','turn_id':'t-3','results':[{'call_id':'t-3.c1',"
                + "'name':'check_inventory','output':{'found':true},'is_error':false}]}",
            is(new ClientMessage.ToolResultsMessage("brom", "t-3", List.of(
                new ToolResult("t-3.c1", "check_inventory", Map.of("found", true), false))))),
        ok("tool_results camelCase, output any JSON",
            "{'type':'tool_results','agentId':'brom','turnId':'t-3','results':[{'callId':'t-3.c1','output':'none',"
                + "'isError':true},{'callId':'t-3.c2','output':[1,{'x':null}]},{'callId':'t-3.c3'}]}",
            is(new ClientMessage.ToolResultsMessage("brom", "t-3", List.of(
                new ToolResult("t-3.c1", "", "none", true),
                new ToolResult("t-3.c2", "", List.of(1, java.util.Collections.singletonMap("x", null)), false),
                new ToolResult("t-3.c3", "", null, false))))),
        ok("cancel_turn with turn_id", "{'type':'cancel_turn','agent_id':'brom','turn_id':'t-3'}",
            is(new ClientMessage.CancelTurn("brom", "t-3"))),
        ok("cancel_turn camelCase without turn", "{'type':'cancel_turn','agentId':'brom'}",
            is(new ClientMessage.CancelTurn("brom", null))),
        ok("cancel_turn turnId camelCase", "{'type':'cancel_turn','agentId':'brom','turnId':'t-9'}",
            is(new ClientMessage.CancelTurn("brom", "t-9"))),
        ok("reset_agent", "{'type':'reset_agent','agent_id':'brom','reason':'new game'}", is(new ClientMessage.ResetAgent("brom"))),
        ok("reset_agent camelCase", "{'agentId':'brom','type':'reset_agent'}", is(new ClientMessage.ResetAgent("brom"))),
        ok("agent_id of 128 emoji is 128 characters", "{'type':'reset_agent','agent_id':'" + "\uD83D\uDE00".repeat(128) + "'}",
            is(new ClientMessage.ResetAgent("\uD83D\uDE00".repeat(128)))),
        ok("a duplicated field: the last one wins", "{'type':'reset_agent','agent_id':'x','agent_id':'brom'}",
            is(new ClientMessage.ResetAgent("brom"))),
        ok("a snake_case field wins over its camelCase twin", "{'type':'reset_agent','agentId':'x','agent_id':'brom'}",
            is(new ClientMessage.ResetAgent("brom"))));
  }

  static Stream<Row> invalid() {
    String longId = "a".repeat(129);
    return Stream.of(
        error("not JSON", "{'type':", ErrorCode.INVALID_JSON, null),
        error("garbage", "hello", ErrorCode.INVALID_JSON, null),
        error("a list, not an object", "[{'type':'ping'}]", ErrorCode.INVALID_JSON, null),
        error("a string, not an object", "'ping'", ErrorCode.INVALID_JSON, null),
        error("empty", "", ErrorCode.INVALID_JSON, null),
        error("content after the object", "{'type':'ping'} {'type':'ping'}", ErrorCode.INVALID_JSON, null),
        error("type missing", "{'agent_id':'brom'}", ErrorCode.MISSING_FIELD, "type"),
        error("type null", "{'type':null}", ErrorCode.MISSING_FIELD, "type"),
        error("type not a string", "{'type':3}", ErrorCode.INVALID_FIELD, "type"),
        error("unknown type", "{'type':'dance','agent_id':'brom'}", ErrorCode.UNKNOWN_TYPE, "type"),
        error("agent_id missing", "{'type':'interaction_event','event':{}}", ErrorCode.MISSING_FIELD, "agent_id"),
        error("agent_id not a string", "{'type':'reset_agent','agent_id':5}", ErrorCode.INVALID_FIELD, "agent_id"),
        error("agentId not a string names the camelCase spelling", "{'type':'reset_agent','agentId':[]}",
            ErrorCode.INVALID_FIELD, "agentId"),
        error("agent_id empty", "{'type':'cancel_turn','agent_id':''}", ErrorCode.INVALID_FIELD, "agent_id"),
        error("agent_id too long", "{'type':'reset_agent','agent_id':'" + longId + "'}", ErrorCode.INVALID_FIELD, "agent_id"),
        error("agent_id with a control character", "{'type':'reset_agent','agent_id':'br\\u0000om'}",
            ErrorCode.INVALID_FIELD, "agent_id"),
        error("agent_id with a newline", "{'type':'reset_agent','agent_id':'brom\\n'}", ErrorCode.INVALID_FIELD, "agent_id"),
        error("agent_id with DEL", "{'type':'cancel_turn','agent_id':'brom\\u007f'}", ErrorCode.INVALID_FIELD, "agent_id"),
        error("agent_id with a C1 control character", "{'type':'agent_turn_result','agent_id':'br\\u0085om','turn_id':'t',"
            + "'buffer':''}", ErrorCode.INVALID_FIELD, "agent_id"),
        error("agent_id null is missing", "{'type':'tool_results','agent_id':null,'turn_id':'t','results':[]}",
            ErrorCode.MISSING_FIELD, "agent_id"),
        error("agent_id of 129 characters in a snapshot", "{'type':'agent_state_snapshot','agentId':'" + longId
            + "','state':{'name':'B'}}", ErrorCode.INVALID_FIELD, "agentId"),
        error("event not an object", "{'type':'interaction_event','agent_id':'brom','event':'hello'}",
            ErrorCode.INVALID_FIELD, "event"),
        error("invalid on_busy", "{'type':'interaction_event','agent_id':'brom','event':{'on_busy':'later'}}",
            ErrorCode.INVALID_FIELD, "event.on_busy"),
        error("on_busy not a string", "{'type':'interaction_event','agent_id':'brom','onBusy':1}",
            ErrorCode.INVALID_FIELD, "onBusy"),
        error("invalid on_busy beside a nested event", "{'type':'interaction_event','agent_id':'brom','on_busy':'x','event':{}}",
            ErrorCode.INVALID_FIELD, "on_busy"),
        error("timestamp not a date", "{'type':'interaction_event','agent_id':'brom','event':{'ts':'yesterday'}}",
            ErrorCode.INVALID_FIELD, "event.ts"),
        error("timestamp a boolean", "{'type':'interaction_event','agent_id':'brom','timestamp':true}",
            ErrorCode.INVALID_FIELD, "timestamp"),
        error("ISO-8601 date that does not exist", "{'type':'interaction_event','agent_id':'brom','timestamp':'2024-02-30T12:00:00'}",
            ErrorCode.INVALID_FIELD, "timestamp"),
        error("ISO-8601 February 29 of a common year", "{'type':'interaction_event','agent_id':'brom','ts':'2023-02-29T12:00:00Z'}",
            ErrorCode.INVALID_FIELD, "ts"),
        error("ISO-8601 hour 24", "{'type':'interaction_event','agent_id':'brom','time':'2024-05-01T24:00:00+02:00[Europe/Paris]'}",
            ErrorCode.INVALID_FIELD, "time"),
        error("timestamp out of range", "{'type':'interaction_event','agent_id':'brom','time':1e300}",
            ErrorCode.INVALID_FIELD, "time"),
        error("text an object", "{'type':'interaction_event','agent_id':'brom','event':{'text':{'en':'hi'}}}",
            ErrorCode.INVALID_FIELD, "event.text"),
        error("text a boolean", "{'type':'interaction_event','agent_id':'brom','utterance':false}",
            ErrorCode.INVALID_FIELD, "utterance"),
        error("notification without agents", "{'type':'notification_event','event':{}}", ErrorCode.MISSING_FIELD, "agent_id"),
        error("notification agent_ids empty", "{'type':'notification_event','agent_ids':[],'event':{}}",
            ErrorCode.INVALID_FIELD, "agent_ids"),
        error("notification agent_ids not a list", "{'type':'notification_event','agent_ids':'brom','event':{}}",
            ErrorCode.INVALID_FIELD, "agent_ids"),
        error("notification bad agent id in list", "{'type':'notification_event','agentIds':['brom',''],'event':{}}",
            ErrorCode.INVALID_FIELD, "agentIds[1]"),
        error("snapshot without state", "{'type':'agent_state_snapshot','agent_id':'brom','request_id':'r1'}",
            ErrorCode.MISSING_FIELD, "state"),
        error("snapshot state a list", "{'type':'agent_state_snapshot','agent_id':'brom','state':[]}",
            ErrorCode.INVALID_FIELD, "state"),
        error("snapshot request_id an object", "{'type':'agent_state_snapshot','agent_id':'brom','request_id':{},'state':{}}",
            ErrorCode.INVALID_FIELD, "request_id"),
        error("turn result without turn_id", "{'type':'agent_turn_result','agent_id':'brom','buffer':''}",
            ErrorCode.MISSING_FIELD, "turn_id"),
        error("turn result without tags or buffer", "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t'}",
            ErrorCode.MISSING_FIELD, "tags"),
        error("turn result tags not a list", "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t','tags':{}}",
            ErrorCode.INVALID_FIELD, "tags"),
        error("turn result tag item not an object", "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t','tags':['speech']}",
            ErrorCode.INVALID_FIELD, "tags[0]"),
        error("turn result tag without its name",
            "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t','tags':[{'tag':'speech'},{'content':'x'}]}",
            ErrorCode.MISSING_FIELD, "tags[1].tag"),
        error("turn result attributes not an object",
            "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t','tags':[{'tag':'a','attributes':'wave'}]}",
            ErrorCode.INVALID_FIELD, "tags[0].attributes"),
        error("turn result attribute value an object",
            "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t','tags':[{'tag':'a','attributes':{'name':{}}}]}",
            ErrorCode.INVALID_FIELD, "tags[0].attributes.name"),
        error("turn result buffer a number list", "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t','buffer':[1]}",
            ErrorCode.INVALID_FIELD, "buffer"),
        error("turn result interrupted a string",
            "{'type':'agent_turn_result','agent_id':'brom','turn_id':'t','buffer':'','interrupted':'yes'}",
            ErrorCode.INVALID_FIELD, "interrupted"),
        error("tool_results without results", "{'type':'tool_results','agent_id':'brom','turn_id':'t'}",
            ErrorCode.MISSING_FIELD, "results"),
        error("tool_results item without call_id",
            "{'type':'tool_results','agent_id':'brom','turn_id':'t','results':[{'output':1}]}",
            ErrorCode.MISSING_FIELD, "results[0].call_id"),
        error("tool_results isError not a boolean",
            "{'type':'tool_results','agent_id':'brom','turnId':'t','results':[{'callId':'c','isError':'no'}]}",
            ErrorCode.INVALID_FIELD, "results[0].isError"),
        error("cancel_turn turn_id an object", "{'type':'cancel_turn','agent_id':'brom','turn_id':{}}",
            ErrorCode.INVALID_FIELD, "turn_id"),
        error("ping id an object", "{'type':'ping','id':{}}", ErrorCode.INVALID_FIELD, "id"),
        error("ping id a number too large to echo", "{'type':'ping','id':1e400}", ErrorCode.INVALID_FIELD, "id"),
        error("a number whose exponent overflows", "{'type':'ping','id':1e9999999999}", ErrorCode.INVALID_JSON, null),
        error("an event number whose exponent overflows",
            "{'type':'interaction_event','agent_id':'brom','power':-2.5E-99999999999}", ErrorCode.INVALID_JSON, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void decodes(Row row) {
    ClientMessage message = CODEC.decode(row.json(), ids());
    row.check().accept(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejects(Row row) {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> CODEC.decode(row.json(), ids()));
    assertThat(e).as("decoding %s", row.json()).isNotNull();
    assertThat(e.code()).isEqualTo(row.code());
    assertThat(e.field()).isEqualTo(row.field());
    assertThat(e.getMessage()).isNotBlank();
    if (row.field() != null) {
      assertThat(e.getMessage()).startsWith(row.field().equals("type") && row.code() == ErrorCode.UNKNOWN_TYPE
          ? "unknown message type" : row.field());
    }
    assertThat(e.getMessage()).doesNotContain("com.fasterxml", "jackson", "Exception", "`", "Source");
  }

  @org.junit.jupiter.api.Test
  void tableHasAtLeastFortyRows() {
    assertThat(valid().count() + invalid().count()).isGreaterThanOrEqualTo(40);
  }

  /** An id source like a session's: unique ids, and each call counted. */
  static Supplier<String> ids() {
    int[] next = {0};
    return () -> "gen-" + ++next[0];
  }

  @org.junit.jupiter.api.Test
  void eventIdsAreGeneratedOnlyWhenMissing() {
    Supplier<String> failing = () -> {
      throw new AssertionError("no id should be generated");
    };
    ClientMessage m = CODEC.decode("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"id\":\"e1\"}", failing);
    assertThat(((ClientMessage.InteractionEventMessage) m).event().eventId()).isEqualTo("e1");
  }

  @org.junit.jupiter.api.Test
  void errorsNameWhatCouldBeRead() {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> CODEC.decode(
        "{\"type\":\"tool_results\",\"agentId\":\"brom\",\"turn_id\":\"t-3\",\"results\":[{\"call_id\":[]}]}", ids()));
    assertThat(e.inReplyTo()).isEqualTo("tool_results");
    assertThat(e.agentId()).isEqualTo("brom");
    assertThat(e.turnId()).isEqualTo("t-3");
    assertThat(e.requestId()).isNull();
    assertThat(e.field()).isEqualTo("results[0].call_id");
    assertThat(e.getMessage()).isEqualTo("results[0].call_id must be a string, got a list");

    ProtocolException snapshot = catchThrowableOfType(ProtocolException.class, () -> CODEC.decode(
        "{\"type\":\"agent_state_snapshot\",\"agent_id\":\"brom\",\"request_id\":\"r-7\",\"state\":3}", ids()));
    assertThat(snapshot.requestId()).isEqualTo("r-7");
    assertThat(snapshot.agentId()).isEqualTo("brom");
    assertThat(snapshot.getMessage()).isEqualTo("state must be an object, got the number 3");
  }

  @org.junit.jupiter.api.Test
  void errorsNeverEchoAnInvalidAgentId() {
    ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> CODEC.decode(
        "{\"type\":\"reset_agent\",\"agent_id\":\"" + "x".repeat(500) + "\"}", ids()));
    assertThat(e.agentId()).isNull();
    assertThat(e.getMessage()).isEqualTo("agent_id must be at most 128 characters, got 500");
  }

  @org.junit.jupiter.api.Test
  void unknownTypeIsNamedShortAndListsTheTypes() {
    ProtocolException e = catchThrowableOfType(ProtocolException.class,
        () -> CODEC.decode("{\"type\":\"dance\"}", ids()));
    assertThat(e.inReplyTo()).isEqualTo("dance");
    assertThat(e.getMessage()).isEqualTo("unknown message type \"dance\"; expected one of ping, interaction_event, "
        + "notification_event, agent_state_snapshot, agent_turn_result, tool_results, cancel_turn, reset_agent");

    ProtocolException huge = catchThrowableOfType(ProtocolException.class,
        () -> CODEC.decode("{\"type\":\"" + "y".repeat(5000) + "\"}", ids()));
    assertThat(huge.inReplyTo()).isNull();
    assertThat(huge.getMessage()).hasSizeLessThan(300);
  }

  @org.junit.jupiter.api.Test
  void invalidOnBusyNamesTheChoices() {
    assertThatThrownBy(() -> CODEC.decode(
        "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"on_busy\":\"later\"}}", ids()))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("event.on_busy must be \"interrupt\", \"queue\" or \"drop\", got the string \"later\"");
  }

  @org.junit.jupiter.api.Test
  void errorsAboutTheTypeStillNameTheAgentTurnAndRequest() {
    ProtocolException missing = catchThrowableOfType(ProtocolException.class, () -> CODEC.decode(
        "{\"agent_id\":\"brom\",\"turn_id\":\"t-3\",\"request_id\":\"r-1\"}", ids()));
    assertThat(missing.code()).isEqualTo(ErrorCode.MISSING_FIELD);
    assertThat(missing.inReplyTo()).isNull();
    assertThat(missing.agentId()).isEqualTo("brom");
    assertThat(missing.turnId()).isEqualTo("t-3");
    assertThat(missing.requestId()).isEqualTo("r-1");

    ProtocolException notText = catchThrowableOfType(ProtocolException.class, () -> CODEC.decode(
        "{\"type\":true,\"agentId\":\"brom\"}", ids()));
    assertThat(notText.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(notText.inReplyTo()).isNull();
    assertThat(notText.agentId()).isEqualTo("brom");
  }

  @org.junit.jupiter.api.Test
  void fractionalEpochNumbersKeepEveryNanosecond() {
    assertThat(timestampOf("1700000000.123456789")).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
    assertThat(timestampOf("1700000000123.456789")).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
    assertThat(timestampOf("-1.000000001")).isEqualTo(Instant.ofEpochSecond(-2, 999_999_999));
  }

  private static Instant timestampOf(String number) {
    ClientMessage m = CODEC.decode("{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"ts\":" + number + "}", ids());
    return ((ClientMessage.InteractionEventMessage) m).event().timestamp();
  }

  @org.junit.jupiter.api.Test
  void numbersBeyondDoubleRangeInAnEventAreKeptExactly() {
    ClientMessage m = CODEC.decode(
        "{\"type\":\"interaction_event\",\"agent_id\":\"brom\",\"event\":{\"power\":-1e400,\"tiny\":0.5}}", ids());
    Map<String, Object> data = ((ClientMessage.InteractionEventMessage) m).event().data();
    assertThat(data.get("power")).isInstanceOf(java.math.BigDecimal.class);
    assertThat((java.math.BigDecimal) data.get("power")).isEqualByComparingTo("-1e400");
    assertThat(data.get("tiny")).isEqualTo(0.5);
  }
}
