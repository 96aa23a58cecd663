/** agent-llm: see README. */
package dev.gameagent.llm;
