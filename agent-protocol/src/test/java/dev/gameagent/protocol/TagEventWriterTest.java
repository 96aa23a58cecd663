package dev.gameagent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gameagent.core.TurnEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written tag event writer against Jackson's generator (configured as the codec's): on
 * random strings full of quotes, control characters, emoji and unpaired surrogates, the bytes are
 * identical, the trees are equal, and every string reads back exactly. The seed is printed; rerun one
 * with {@code -Dprotocol.seed=N}.
 */
class TagEventWriterTest {
  private static final int CASES = 3000;

  private final ProtocolCodec codec = ProtocolCodec.newBuilder().build();
  private final ObjectMapper jackson = new ObjectMapper();

  @Test
  void matchesJacksonOnRandomStrings() throws IOException {
    long seed = Long.getLong("protocol.seed", System.nanoTime());
    System.out.println("TagEventWriterTest seed: " + seed + " (rerun with -Dprotocol.seed=" + seed + ")");
    Random random = new Random(seed);
    for (int i = 0; i < CASES; i++) {
      TurnEvent event = randomEvent(random);
      byte[] ours = codec.turnEvent(event);
      byte[] theirs = codec.writer().tagEvent(event);
      String context = "seed " + seed + ", case " + i + ": " + event;
      assertThat(ours).as(context).isEqualTo(theirs);
      JsonNode tree = jackson.readTree(ours);
      assertThat(tree).as(context).isEqualTo(jackson.readTree(theirs));
      assertRoundTrip(tree, event, context);
    }
  }

  private static void assertRoundTrip(JsonNode tree, TurnEvent event, String context) {
    assertThat(tree.get("agent_id").textValue()).as(context).isEqualTo(event.agentId());
    assertThat(tree.get("turn_id").textValue()).as(context).isEqualTo(event.turnId());
    if (event instanceof TurnEvent.TagChunk) {
      TurnEvent.TagChunk chunk = (TurnEvent.TagChunk) event;
      assertThat(tree.get("index").intValue()).as(context).isEqualTo(chunk.index());
      assertThat(tree.get("tag").textValue()).as(context).isEqualTo(chunk.tag());
      assertThat(tree.get("text").textValue()).as(context).isEqualTo(chunk.text());
    } else if (event instanceof TurnEvent.TagClose) {
      TurnEvent.TagClose close = (TurnEvent.TagClose) event;
      assertThat(tree.get("content").textValue()).as(context).isEqualTo(close.content());
      assertThat(tree.get("complete").booleanValue()).as(context).isEqualTo(close.complete());
    } else {
      TurnEvent.TagOpen open = (TurnEvent.TagOpen) event;
      Map<String, String> read = new LinkedHashMap<>();
      tree.get("attributes").properties().forEach(e -> read.put(e.getKey(), e.getValue().textValue()));
      assertThat(read).as(context).containsExactlyEntriesOf(open.attributes());
    }
  }

  private static TurnEvent randomEvent(Random random) {
    String agent = randomString(random, 12);
    String turn = randomString(random, 8);
    int index = randomIndex(random);
    String tag = randomString(random, 10);
    switch (random.nextInt(3)) {
      case 0:
        Map<String, String> attributes = new LinkedHashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          // Jackson's parser refuses an unpaired surrogate in a field name (not in a value), so keys have none.
          attributes.put(randomString(random, 8, false) + i, randomString(random, 30));
        }
        return new TurnEvent.TagOpen(agent, turn, index, tag, attributes);
      case 1:
        return new TurnEvent.TagChunk(agent, turn, index, tag, randomText(random));
      default:
        return new TurnEvent.TagClose(agent, turn, index, tag, randomText(random), random.nextBoolean());
    }
  }

  private static int randomIndex(Random random) {
    switch (random.nextInt(5)) {
      case 0:
        return random.nextInt(10);
      case 1:
        return random.nextInt();
      case 2:
        return Integer.MAX_VALUE;
      case 3:
        return Integer.MIN_VALUE;
      default:
        return random.nextInt(100_000);
    }
  }

  /** Mostly token-sized text, sometimes long enough to cross Jackson's internal buffer boundaries. */
  private static String randomText(Random random) {
    int kind = random.nextInt(10);
    int max = kind == 0 ? 20_000 : kind == 1 ? 600 : 24;
    return randomString(random, max);
  }

  private static String randomString(Random random, int maxLength) {
    return randomString(random, maxLength, true);
  }

  private static String randomString(Random random, int maxLength, boolean unpairedSurrogates) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder s = new StringBuilder(length + 1);
    while (s.length() < length) {
      switch (random.nextInt(12)) {
        case 0:
          s.append('"');
          break;
        case 1:
          s.append('\\');
          break;
        case 2:
          s.append((char) random.nextInt(0x20));
          break;
        case 3:
          s.append('\u007F');
          break;
        case 4:
          s.appendCodePoint(0x80 + random.nextInt(0x780));
          break;
        case 5:
          s.append((char) (0x800 + random.nextInt(0xD800 - 0x800)));
          break;
        case 6:
          s.appendCodePoint(0x1F600 + random.nextInt(80));
          break;
        case 7:
          s.appendCodePoint(0x10000 + random.nextInt(0x100000));
          break;
        case 8:
          if (unpairedSurrogates) {
            s.append((char) (0xD800 + random.nextInt(0x800)));
          }
          break;
        case 9:
          s.append((char) (0xE000 + random.nextInt(0x2000)));
          break;
        default:
          s.append((char) (0x20 + random.nextInt(0x5F)));
          break;
      }
    }
    return s.toString();
  }

  @Test
  void escapesExactlyAsJsonRequires() {
    String text = "\"\\/\b\t\n\f\r\u0000\u001F\u007F\u2028\u00e9";
    String json = new String(codec.turnEvent(new TurnEvent.TagChunk("a", "t", 0, "speech", text)), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"type\":\"agent_tag_chunk\",\"agent_id\":\"a\",\"turn_id\":\"t\",\"index\":0,"
        + "\"tag\":\"speech\",\"text\":\"\\\"\\\\/\\b\\t\\n\\f\\r\\u0000\\u001F\u007F\u2028\u00e9\"}");
  }

  @Test
  void emojiIsUtf8AndUnpairedSurrogatesAreEscaped() {
    String text = "\uD83D\uDE00 lone \uD800 low \uDC00 reversed \uDC00\uD800 end \uD83D";
    byte[] bytes = codec.turnEvent(new TurnEvent.TagClose("a", "t", 7, "speech", text, true));
    String json = new String(bytes, StandardCharsets.UTF_8);
    assertThat(json).contains("\"content\":\"\uD83D\uDE00 lone \\uD800 low \\uDC00 reversed \\uDC00\\uD800 end \\uD83D\"");
    assertThat(json).endsWith(",\"complete\":true}");
    // 😀 is the four bytes F0 9F 98 80.
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("\u00F0\u009F\u0098\u0080");
  }

  @Test
  void openWritesAttributesInOrder() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("name", "wave");
    attributes.put("speed", "slow \"ly\"");
    String json = new String(codec.turnEvent(new TurnEvent.TagOpen("brom", "t-1", -12, "action", attributes)),
        StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"type\":\"agent_tag_open\",\"agent_id\":\"brom\",\"turn_id\":\"t-1\",\"index\":-12,"
        + "\"tag\":\"action\",\"attributes\":{\"name\":\"wave\",\"speed\":\"slow \\\"ly\\\"\"}}");
  }

  @Test
  void nullStringsAreWrittenAsNullLikeJackson() {
    TurnEvent event = new TurnEvent.TagChunk("a", null, 0, "speech", null);
    assertThat(codec.turnEvent(event)).isEqualTo(codec.writer().tagEvent(event));
    assertThat(new String(codec.turnEvent(event), StandardCharsets.UTF_8)).contains("\"turn_id\":null", "\"text\":null}");
  }

  @Test
  void integerEdgeCases() {
    for (int index : new int[] {0, 9, 10, 99, 100, -1, -10, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1}) {
      TurnEvent event = new TurnEvent.TagChunk("a", "t", index, "s", "x");
      assertThat(new String(codec.turnEvent(event), StandardCharsets.UTF_8)).contains("\"index\":" + index + ",");
    }
  }
}
