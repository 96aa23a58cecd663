package dev.gameagent.core;

import dev.gameagent.core.llm.LlmRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogStore} wrapper that logs and swallows whatever the store throws (errors and checked
 * exceptions included, see {@link UserCodeFailures}), so a failing disk never breaks a turn.
 */
final class GuardedLogStore implements LogStore {
  private static final Logger log = LoggerFactory.getLogger(GuardedLogStore.class);

  private final LogStore delegate;

  GuardedLogStore(LogStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void historyAppended(String sessionId, String agentId, HistoryEntry entry) {
    try {
      delegate.historyAppended(sessionId, agentId, entry);
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("log store failed on historyAppended session={} agent={}", sessionId, agentId, e);
    }
  }

  @Override
  public void llmRequest(String sessionId, String agentId, String turnId, LlmRequest request) {
    try {
      delegate.llmRequest(sessionId, agentId, turnId, request);
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("log store failed on llmRequest session={} agent={} turn={}", sessionId, agentId, turnId, e);
    }
  }

  @Override
  public void turnEnded(String sessionId, TurnEvent terminal) {
    try {
      delegate.turnEnded(sessionId, terminal);
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("log store failed on turnEnded session={} agent={} turn={}",
          sessionId, terminal.agentId(), terminal.turnId(), e);
    }
  }

  @Override
  public void agentReset(String sessionId, String agentId) {
    try {
      delegate.agentReset(sessionId, agentId);
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("log store failed on agentReset session={} agent={}", sessionId, agentId, e);
    }
  }

  @Override
  public void sessionClosed(String sessionId) {
    try {
      delegate.sessionClosed(sessionId);
    } catch (Throwable e) {
      UserCodeFailures.rethrowIfFatal(e);
      log.warn("log store failed on sessionClosed session={}", sessionId, e);
    }
  }
}
