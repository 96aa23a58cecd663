/** agent-server-netty: see README. */
package dev.gameagent.server;
