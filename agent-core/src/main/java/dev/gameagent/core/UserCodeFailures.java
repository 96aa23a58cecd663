package dev.gameagent.core;

/**
 * How the engine treats a failure thrown by code it does not own (a listener, a state provider, an
 * LLM client, a token counter, a log store): an {@link Error} such as an {@code AssertionError} or a
 * {@code NoClassDefFoundError}, and a checked exception that code in a language without checked
 * exceptions (Kotlin, Scala) throws, are handled like a runtime exception, so none can leave a turn
 * without its terminal event; only a {@link VirtualMachineError} (out of memory, stack overflow) is
 * let through. Hence the engine catches {@code Throwable} at those calls and passes it here first.
 */
final class UserCodeFailures {
  private UserCodeFailures() {}

  /** Rethrows {@code failure} if the JVM itself is in trouble; returns otherwise. */
  static void rethrowIfFatal(Throwable failure) {
    if (failure instanceof VirtualMachineError fatal) {
      throw fatal;
    }
  }
}
