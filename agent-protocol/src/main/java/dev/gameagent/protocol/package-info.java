/** agent-protocol: see README. */
package dev.gameagent.protocol;
