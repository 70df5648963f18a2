package dev.microbatch.translation.translators;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.shuffle.KeyExtractor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;

/** Small helpers shared by the translators. */
final class Translators {

  private Translators() {}

  static PCollection<?> onlyInput(AppliedPTransform<?, ?, ?> transform) {
    Map<TupleTag<?>, PCollection<?>> inputs = transform.getMainInputs();
    if (inputs.size() != 1) {
      throw new IllegalStateException(
          transform.getFullName() + " has " + inputs.size() + " main inputs, expected 1");
    }
    return inputs.values().iterator().next();
  }

  static PCollection<?> onlyOutput(AppliedPTransform<?, ?, ?> transform) {
    Map<TupleTag<?>, PCollection<?>> outputs = transform.getOutputs();
    if (outputs.size() != 1) {
      throw new IllegalStateException(
          transform.getFullName() + " has " + outputs.size() + " outputs, expected 1");
    }
    return outputs.values().iterator().next();
  }

  static TupleTag<?> onlyOutputTag(AppliedPTransform<?, ?, ?> transform) {
    return transform.getOutputs().keySet().iterator().next();
  }

  static Map<TupleTag<?>, PCollection<?>> outputs(AppliedPTransform<?, ?, ?> transform) {
    return new LinkedHashMap<>(transform.getOutputs());
  }

  static KvCoder<?, ?> kvCoder(PCollection<?> collection, String transformName) {
    Coder<?> coder = collection.getCoder();
    if (!(coder instanceof KvCoder<?, ?> kvCoder)) {
      throw new IllegalStateException(
          transformName + " needs a KV input with a KvCoder, got " + coder);
    }
    return kvCoder;
  }

  /** Extracts the encoded key of a windowed KV, as Beam groups: by the key coder's bytes. */
  @SuppressWarnings("unchecked")
  static KeyExtractor<Object> kvKeyExtractor(Coder<?> keyCoder) {
    Coder<Object> coder = (Coder<Object>) keyCoder;
    return element -> {
      KV<Object, Object> kv = ((WindowedValue<KV<Object, Object>>) element).getValue();
      return new KeyBytes(CoderUtils.encodeToByteArray(coder, kv.getKey()));
    };
  }

  static boolean isKv(PValue value) {
    return value instanceof PCollection<?> pc && pc.getCoder() instanceof KvCoder;
  }
}
