package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.Frames;
import dev.microbatch.runner.state.StateCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * The elements of a partition waiting for side inputs, in a checkpoint: each window-exploded value;
 * the input to replay is rebuilt from it as the step would have received it.
 */
final class WaitingCodec implements StateCodec<List<DoFnStep.Waiting>> {

  private final WindowedValues.FullWindowedValueCoder<Object> coder;
  private final Function<WindowedValue<Object>, Object> asInput;

  @SuppressWarnings("unchecked")
  WaitingCodec(
      Coder<?> elementCoder,
      Coder<? extends BoundedWindow> windowCoder,
      Function<WindowedValue<Object>, Object> asInput) {
    this.coder = WindowedValues.getFullCoder((Coder<Object>) elementCoder, windowCoder);
    this.asInput = asInput;
  }

  @Override
  public void encode(List<DoFnStep.Waiting> waiting, DataOutputStream out) throws IOException {
    out.writeInt(waiting.size());
    for (DoFnStep.Waiting element : waiting) {
      Frames.writeValue(out, coder, element.value());
    }
  }

  @Override
  public List<DoFnStep.Waiting> decode(KeyBytes key, DataInputStream in) throws IOException {
    int count = in.readInt();
    List<DoFnStep.Waiting> waiting = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      WindowedValue<Object> value = Frames.readValue(in, coder);
      waiting.add(new DoFnStep.Waiting(value, asInput.apply(value)));
    }
    return waiting;
  }
}
