/**
 * What runs inside a task: fused steps that call each other directly, DoFn running (the runner's
 * own for DoFns that need only their element, beam-runners-core-java's for the rest) and
 * GroupAlsoByWindow through beam-runners-core-java, keyed state and timers, side-input reading.
 */
package dev.microbatch.translation.runtime;
