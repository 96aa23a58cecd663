/** benchmarks: see README. */
package dev.gameagent.benchmarks;
