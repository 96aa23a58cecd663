package dev.gameagent.core;

/**
 * Receives the events of a session's turns. For one turn, events arrive one at a time and in
 * protocol order (at most one {@link TurnEvent.Started}, well-nested tag events, exactly one
 * terminal event, nothing after it), each call happening-before the next, though not always on the
 * same thread. Events of different agents may interleave. Implementations must not block: they are
 * called from LLM callback threads, the state timer, the thread that completes a state request (or
 * the engine's state executor), or the thread calling a {@link GameSession} method (which may so
 * receive events before it returns).
 * No engine lock is held during a call, so a listener may call back into the session; events that
 * call causes are delivered after the current one returns. An exception thrown by a listener is
 * logged and swallowed.
 */
public interface TurnListener {

  void onEvent(TurnEvent event);
}
