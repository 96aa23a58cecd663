package dev.gameagent.protocol;

/**
 * A field name the codec reads, in its protocol (snake_case) spelling and the camelCase spelling
 * also accepted, e.g. {@code agent_id} and {@code agentId}.
 */
record Key(String snake, String camel) {

  static Key of(String snake) {
    StringBuilder camel = new StringBuilder(snake.length());
    boolean upper = false;
    for (int i = 0; i < snake.length(); i++) {
      char c = snake.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        camel.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return new Key(snake, camel.toString());
  }

  boolean matches(String name) {
    return snake.equals(name) || camel.equals(name);
  }
}
