package dev.microbatch.translation.runtime;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * A lifted Combine.perKey: the CombineFn, the key coder (keys are grouped by encoding), the
 * windowing strategy (non-merging windows, default trigger) and the output tag of each phase.
 */
public record CombineSpec(
    String stepName,
    CombineFn<Object, Object, Object> combineFn,
    Coder<Object> keyCoder,
    Coder<Object> accumulatorCoder,
    WindowingStrategy<?, ?> windowingStrategy,
    TupleTag<?> output)
    implements Serializable {}
