/**
 * What runs inside a task: fused steps that call each other directly, DoFn running and
 * GroupAlsoByWindow through beam-runners-core-java, keyed state and timers, side-input reading.
 */
package dev.microbatch.translation.runtime;
