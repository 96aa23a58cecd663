package dev.gameagent.core.testing;

import dev.gameagent.core.HistoryEntry;
import dev.gameagent.core.LogStore;
import dev.gameagent.core.TurnEvent;
import dev.gameagent.core.llm.LlmRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link LogStore} that keeps every call in memory, in order. Thread-safe. */
public final class RecordingLogStore implements LogStore {

  /** One call: which method, for which agent and turn, with what. */
  public record Record(String kind, String sessionId, String agentId, String turnId, Object value) {}

  private final List<Record> records = new CopyOnWriteArrayList<>();

  @Override
  public void historyAppended(String sessionId, String agentId, HistoryEntry entry) {
    records.add(new Record("history", sessionId, agentId, null, entry));
  }

  @Override
  public void llmRequest(String sessionId, String agentId, String turnId, LlmRequest request) {
    records.add(new Record("request", sessionId, agentId, turnId, request));
  }

  @Override
  public void turnEnded(String sessionId, TurnEvent terminal) {
    records.add(new Record("ended", sessionId, terminal.agentId(), terminal.turnId(), terminal));
  }

  @Override
  public void agentReset(String sessionId, String agentId) {
    records.add(new Record("reset", sessionId, agentId, null, null));
  }

  @Override
  public void sessionClosed(String sessionId) {
    records.add(new Record("closed", sessionId, null, null, null));
  }

  public List<Record> records() {
    return List.copyOf(records);
  }

  /** The records of one kind ({@code history}, {@code request}, {@code ended}, {@code reset}, {@code closed}). */
  public List<Record> records(String kind) {
    List<Record> out = new ArrayList<>();
    for (Record record : records) {
      if (record.kind().equals(kind)) {
        out.add(record);
      }
    }
    return out;
  }
}
