package dev.microbatch.runner.state;

/**
 * Tells a store when a key's state next needs its step. Only the step knows what its state holds
 * (timers, windows, holds), so it supplies this when it opens the store.
 */
@FunctionalInterface
public interface Timetable<S> {

  Wake wakeOf(S state);
}
