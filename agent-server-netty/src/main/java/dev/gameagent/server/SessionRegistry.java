package dev.gameagent.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The game sessions this server holds, each with the connection that owns it, if any. A session
 * whose connection closed stays resumable until {@link #expire} drops it after the retention time.
 *
 * <p>Thread-safe: every method holds the registry's lock, and the callbacks it makes under that lock
 * (opening a session, telling an owner it was taken over) must not block.
 *
 * @param <S> the session type
 * @param <C> the connection type
 */
final class SessionRegistry<S, C> {

  /** The result of {@link #attach}: the session, whether it existed, and the connection it was taken from. */
  record Attached<S, C>(S session, boolean resumed, C previousOwner) {}

  private static final class Entry<S, C> {
    final S session;
    C owner;
    long releasedAtNanos;

    Entry(S session, C owner) {
      this.session = session;
      this.owner = owner;
    }
  }

  private final Map<String, Entry<S, C>> entries = new HashMap<>();

  /**
   * Gives {@code connection} the session {@code requestedId}: the stored one when there is one, else
   * a new one from {@code opener} (which receives {@code requestedId}, possibly null, and returns a
   * session whose id {@code idOf} reads).
   *
   * @param takeOver called under the lock with the stored session and its previous owner, when it had one
   * @param resume called under the lock with a stored session, to bind it to {@code connection}
   */
  synchronized Attached<S, C> attach(String requestedId, C connection, Function<String, S> opener,
      Function<S, String> idOf, TakeOver<S, C> takeOver, java.util.function.Consumer<S> resume) {
    Entry<S, C> entry = requestedId == null ? null : entries.get(requestedId);
    if (entry == null) {
      S session = opener.apply(requestedId);
      entries.put(idOf.apply(session), new Entry<>(session, connection));
      return new Attached<>(session, false, null);
    }
    C previous = entry.owner;
    if (previous != null) {
      takeOver.apply(entry.session, previous);
    }
    entry.owner = connection;
    resume.accept(entry.session);
    return new Attached<>(entry.session, true, previous);
  }

  /** Called under the registry's lock when a stored session changes owner. */
  @FunctionalInterface
  interface TakeOver<S, C> {
    void apply(S session, C previousOwner);
  }

  /**
   * The connection closed: the session becomes resumable, unless another connection owns it now.
   *
   * @return whether {@code connection} still owned the session
   */
  synchronized boolean release(String sessionId, C connection, long nowNanos) {
    Entry<S, C> entry = entries.get(sessionId);
    if (entry == null || entry.owner != connection) {
      return false;
    }
    entry.owner = null;
    entry.releasedAtNanos = nowNanos;
    return true;
  }

  /** Whether the session is held in memory, connected or resumable. */
  synchronized boolean contains(String sessionId) {
    return entries.containsKey(sessionId);
  }

  synchronized boolean isOwner(String sessionId, C connection) {
    Entry<S, C> entry = entries.get(sessionId);
    return entry != null && entry.owner == connection;
  }

  /** Drops sessions released more than {@code retentionNanos} ago; returns how many. */
  synchronized int expire(long nowNanos, long retentionNanos) {
    int dropped = 0;
    for (Iterator<Entry<S, C>> it = entries.values().iterator(); it.hasNext(); ) {
      Entry<S, C> e = it.next();
      if (e.owner == null && nowNanos - e.releasedAtNanos > retentionNanos) {
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  /** Sessions with a connection. */
  synchronized int openCount() {
    int n = 0;
    for (Entry<S, C> e : entries.values()) {
      if (e.owner != null) {
        n++;
      }
    }
    return n;
  }

  /** Every session held, connected or resumable. */
  synchronized int size() {
    return entries.size();
  }

  synchronized List<C> owners() {
    List<C> owners = new ArrayList<>();
    for (Entry<S, C> e : entries.values()) {
      if (e.owner != null) {
        owners.add(e.owner);
      }
    }
    return owners;
  }
}
