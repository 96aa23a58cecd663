package dev.gameagent.benchmarks.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.protocol.ProtocolCodec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One {@code agent_tag_chunk} (a typical streamed token) to UTF-8 bytes: the codec's hand-written
 * writer against Jackson, both as an {@link ObjectMapper} over a map (what a straightforward
 * implementation does) and as a streaming {@link JsonGenerator} (Jackson at its leanest).
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar TagEventWriter -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TagEventWriterBenchmark {
  private final ProtocolCodec codec = ProtocolCodec.newBuilder().build();
  private final JsonFactory factory = JsonFactory.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();
  private final ObjectMapper mapper = JsonMapper.builder(factory).build();

  /** A chunk as the parser emits them: a word or two of speech, with a quote to escape. */
  private final TurnEvent.TagChunk chunk =
      new TurnEvent.TagChunk("guard_brom", "t-17", 3, "speech", " \"Halt!\" Who goes");

  @Benchmark
  public byte[] handWritten() {
    return codec.turnEvent(chunk);
  }

  @Benchmark
  public byte[] objectMapperMap() throws IOException {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", "agent_tag_chunk");
    message.put("agent_id", chunk.agentId());
    message.put("turn_id", chunk.turnId());
    message.put("index", chunk.index());
    message.put("tag", chunk.tag());
    message.put("text", chunk.text());
    return mapper.writeValueAsBytes(message);
  }

  @Benchmark
  public byte[] jacksonGenerator() throws IOException {
    try (ByteArrayBuilder bytes = new ByteArrayBuilder(128)) {
      try (JsonGenerator g = factory.createGenerator(bytes, JsonEncoding.UTF8)) {
        g.writeStartObject();
        g.writeStringField("type", "agent_tag_chunk");
        g.writeStringField("agent_id", chunk.agentId());
        g.writeStringField("turn_id", chunk.turnId());
        g.writeNumberField("index", chunk.index());
        g.writeStringField("tag", chunk.tag());
        g.writeStringField("text", chunk.text());
        g.writeEndObject();
      }
      return bytes.toByteArray();
    }
  }
}
