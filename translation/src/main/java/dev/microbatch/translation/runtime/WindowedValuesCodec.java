package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.ElementsCodec;
import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/** A PCollection's windowed values (with windows, timestamps and panes) for a checkpoint. */
public final class WindowedValuesCodec implements ElementsCodec<Object> {

  private final ListCoder<WindowedValue<Object>> coder;

  @SuppressWarnings("unchecked")
  public WindowedValuesCodec(Coder<?> elementCoder, Coder<? extends BoundedWindow> windowCoder) {
    this.coder =
        ListCoder.of(WindowedValues.getFullCoder((Coder<Object>) elementCoder, windowCoder));
  }

  @Override
  @SuppressWarnings("unchecked")
  public byte[] encode(List<Object> elements) throws IOException {
    return CoderUtils.encodeToByteArray(coder, (List<WindowedValue<Object>>) (List<?>) elements);
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Object> decode(byte[] bytes) throws IOException {
    return (List<Object>) (List<?>) CoderUtils.decodeFromByteArray(coder, bytes);
  }
}
