package dev.gameagent.server;

/** A setting that cannot be used: an unknown flag, a missing or malformed value. Its message says which. */
final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }
}
