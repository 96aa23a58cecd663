/** examples: see README. */
package dev.gameagent.examples;
