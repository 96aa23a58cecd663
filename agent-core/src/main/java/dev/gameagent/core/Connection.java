package dev.gameagent.core;

import java.util.Objects;

/**
 * The game side a session talks to while attached: where state requests and turn events go. A new
 * instance per {@code attach}, so work queued for an earlier connection is recognized and skipped by
 * identity.
 */
final class Connection {
  final AgentStateProvider stateProvider;
  final TurnListener listener;

  Connection(AgentStateProvider stateProvider, TurnListener listener) {
    this.stateProvider = Objects.requireNonNull(stateProvider, "stateProvider == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
  }
}
