/**
 * The wire messages of game agent protocol v1 as JSON: {@link dev.gameagent.protocol.ProtocolCodec}
 * decodes client messages into {@link dev.gameagent.protocol.ClientMessage}s, normalizing events
 * into core's canonical form, and encodes every server message. Bad input is reported as a
 * {@link dev.gameagent.protocol.ProtocolException} carrying the protocol's error code. Every other
 * class of this package is an implementation detail. See {@code docs/protocol.md}.
 */
package dev.gameagent.protocol;
