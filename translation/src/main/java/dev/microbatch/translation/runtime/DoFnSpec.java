package dev.microbatch.translation.runtime;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * Everything needed to run one ParDo's DoFn in a task. The DoFn travels serialized: every task
 * deserializes its own instance, so instances are never shared between threads.
 */
public record DoFnSpec(
    String stepName,
    byte[] serializedFn,
    Coder<?> inputCoder,
    TupleTag<?> mainOutput,
    List<TupleTag<?>> additionalOutputs,
    Map<TupleTag<?>, Coder<?>> outputCoders,
    WindowingStrategy<?, ?> windowingStrategy,
    DoFnSchemaInformation schemaInformation,
    Map<String, PCollectionView<?>> sideInputMapping,
    List<PCollectionView<?>> sideInputs,
    SerializablePipelineOptions options)
    implements Serializable {

  public DoFnSpec {
    additionalOutputs = List.copyOf(additionalOutputs);
    sideInputs = List.copyOf(sideInputs);
  }
}
