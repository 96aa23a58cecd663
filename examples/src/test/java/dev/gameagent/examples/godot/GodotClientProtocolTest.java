package dev.gameagent.examples.godot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Godot client speaks protocol v1 as {@code docs/protocol.md} writes it, read from the GDScript
 * text (no Godot on the build machine): every message it sends is a game-to-server type with only
 * documented fields, it handles every server-to-game type but {@code pong} and reads only documented
 * fields, and the demo scene and the README use only signals and methods the client declares.
 */
class GodotClientProtocolTest {
  /** Tests run in the module's directory. */
  private static final Path GODOT = Path.of("godot");
  private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z_]+)` \\| ([^|]*)\\|", Pattern.MULTILINE);
  private static final Pattern BACKTICKED = Pattern.compile("`([a-z_]+)`");
  private static final Pattern MESSAGE_LITERAL = Pattern.compile("\\{\"type\": \"([a-z_]+)\"([^}]*)}");
  private static final Pattern KEY = Pattern.compile("\"(\\w+)\":");
  private static final Pattern KEY_ASSIGNED = Pattern.compile("message\\[\"(\\w+)\"] =");
  private static final Pattern FIELD_READ = Pattern.compile("message\\.get\\(\"(\\w+)\"");
  private static final Pattern MATCH_ARM = Pattern.compile("^\\t\\t\"([a-z_]+)\":\\n((?:\\t\\t\\t.*\\n)*)", Pattern.MULTILINE);
  private static final Pattern CALLED = Pattern.compile("\\b(_[a-z_]+)\\(");

  private final String client = read(GODOT.resolve("agent_client.gd"));
  private final Map<String, Set<String>> gameToServer = table("## Game → server");
  private final Map<String, Set<String>> serverToGame = table("## Server → game");

  @Test
  void theProtocolTablesWereRead() {
    assertThat(gameToServer).containsKeys("interaction_event", "agent_state_snapshot", "agent_turn_result", "tool_results");
    assertThat(serverToGame).containsKeys("session_started", "get_agent_state", "agent_tag_chunk", "agent_turn_finished");
  }

  @Test
  void everySentMessageIsAGameToServerTypeWithDocumentedFields() {
    Map<String, Set<String>> sent = new LinkedHashMap<>();
    for (String function : client.split("\nfunc ")) {
      Matcher literal = MESSAGE_LITERAL.matcher(function);
      while (literal.find()) {
        Set<String> keys = sent.computeIfAbsent(literal.group(1), type -> new LinkedHashSet<>());
        keys.addAll(all(KEY, literal.group(2)));
        keys.addAll(all(KEY_ASSIGNED, function));
      }
    }

    assertThat(sent).containsKeys("interaction_event", "notification_event", "agent_state_snapshot",
        "agent_turn_result", "tool_results", "cancel_turn", "reset_agent");
    sent.forEach((type, keys) -> {
      assertThat(gameToServer).as("game-to-server types").containsKey(type);
      assertThat(gameToServer.get(type)).as("documented fields of %s", type).containsAll(keys);
    });
  }

  @Test
  void theStateAnswerCarriesTheRequestId() {
    String answer = function("_answer_state");

    assertThat(answer).contains("\"type\": \"agent_state_snapshot\"", "\"request_id\": request_id");
    assertThat(matchArm("get_agent_state")).contains("_answer_state(agent_id, str(message.get(\"request_id\"");
  }

  @Test
  void everyServerToGameTypeButPongIsHandledReadingDocumentedFields() {
    Matcher arm = MATCH_ARM.matcher(function("_handle_text"));
    Set<String> handled = new LinkedHashSet<>();
    while (arm.find()) {
      String type = arm.group(1);
      handled.add(type);
      assertThat(serverToGame).as("server-to-game types").containsKey(type);
      Set<String> read = all(FIELD_READ, arm.group(2));
      for (String helper : all(CALLED, arm.group(2))) {
        read.addAll(all(FIELD_READ, function(helper)));
      }
      assertThat(serverToGame.get(type)).as("documented fields of %s", type).containsAll(read);
    }

    Set<String> expected = new LinkedHashSet<>(serverToGame.keySet());
    expected.remove("pong");
    assertThat(handled).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theDemoAndTheReadmeUseOnlyWhatTheClientDeclares() {
    Set<String> signals = all(Pattern.compile("^signal ([a-z_]+)\\(", Pattern.MULTILINE), client);
    Set<String> methods = all(Pattern.compile("^func ([a-z_]+)\\(", Pattern.MULTILINE), client);
    String demo = read(GODOT.resolve("npc_demo.gd"));
    String readme = read(GODOT.resolve("README.md"));

    assertThat(signals).containsAll(all(Pattern.compile("client\\.([a-z_]+)\\.connect\\("), demo + readme));
    assertThat(methods).containsAll(all(Pattern.compile("client\\.([a-z_]+)\\("), demo + readme));
    // The README's tables: "| `name(...)` |" rows name a signal or a method.
    Set<String> documented = all(Pattern.compile("^\\| `([a-z_]+)\\(", Pattern.MULTILINE), readme);
    assertThat(documented).isNotEmpty().allSatisfy(name -> assertThat(signals.contains(name) || methods.contains(name))
        .as("%s is a signal or method of agent_client.gd", name).isTrue());
  }

  @Test
  void theDemoAndTheReadmeSetOnlyPropertiesTheClientDeclares() {
    Set<String> properties = all(Pattern.compile("^(?:@export )?var ([a-z][a-z_]*)", Pattern.MULTILINE), client);
    String uses = read(GODOT.resolve("npc_demo.gd")) + read(GODOT.resolve("README.md"));

    // client.url, client.state_provider, client.session_id ...: neither a call nor a signal's connect.
    Set<String> used = all(Pattern.compile("\\bclient\\.([a-z_]+)\\b(?![.(])"), uses);
    assertThat(used).contains("url", "state_provider");
    assertThat(properties).containsAll(used);
  }

  /** The rows of the protocol doc's table under {@code heading}: type to the backticked names in its fields cell. */
  private static Map<String, Set<String>> table(String heading) {
    String doc = read(Path.of("..", "docs", "protocol.md"));
    int start = doc.indexOf(heading);
    assertThat(start).as("'%s' in docs/protocol.md", heading).isNotNegative();
    String section = doc.substring(start, doc.indexOf("\n## ", start + heading.length()));
    Map<String, Set<String>> rows = new LinkedHashMap<>();
    Matcher row = TABLE_ROW.matcher(section);
    while (row.find()) {
      Set<String> fields = all(BACKTICKED, row.group(2));
      fields.add("type");
      rows.putIfAbsent(row.group(1), fields);
    }
    return rows;
  }

  private String function(String name) {
    int start = client.indexOf("\nfunc " + name + "(");
    assertThat(start).as("func %s in agent_client.gd", name).isNotNegative();
    int end = client.indexOf("\nfunc ", start + 1);
    return client.substring(start, end < 0 ? client.length() : end);
  }

  private String matchArm(String type) {
    Matcher arm = MATCH_ARM.matcher(function("_handle_text"));
    while (arm.find()) {
      if (arm.group(1).equals(type)) {
        return arm.group(2);
      }
    }
    throw new AssertionError("no match arm for " + type);
  }

  private static Set<String> all(Pattern pattern, String text) {
    Set<String> found = new LinkedHashSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }
}
