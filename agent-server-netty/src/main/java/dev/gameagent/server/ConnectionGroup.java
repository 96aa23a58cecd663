package dev.gameagent.server;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The server's open connections, closed to newcomers once shutdown begins. Thread-safe. */
final class ConnectionGroup {
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Adds a connection; false once {@link #close()} was called. */
  boolean add(Connection connection) {
    if (closed) {
      return false;
    }
    connections.add(connection);
    if (closed) {
      // Raced with close(): the shutdown sweep may have missed it.
      connections.remove(connection);
      return false;
    }
    return true;
  }

  void remove(Connection connection) {
    connections.remove(connection);
  }

  /** Refuses new connections and returns the open ones. */
  List<Connection> close() {
    closed = true;
    return List.copyOf(connections);
  }

  int size() {
    return connections.size();
  }
}
