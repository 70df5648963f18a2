package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/** An encoded key in one window: the unit a lifted combine accumulates for. */
record WindowedKey(KeyBytes key, BoundedWindow window) {}
