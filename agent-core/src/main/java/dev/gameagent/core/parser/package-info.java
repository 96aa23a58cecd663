/**
 * The streaming tag parser: turns a model's token stream into tag events under the protocol's tag
 * grammar, releasing text the moment it cannot be markup.
 */
package dev.gameagent.core.parser;
