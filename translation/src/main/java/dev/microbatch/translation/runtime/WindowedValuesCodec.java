package dev.microbatch.translation.runtime;

import dev.microbatch.runner.dstream.ElementsCodec;
import dev.microbatch.runner.shuffle.ElementCoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;

/**
 * A PCollection's windowed values (with windows, timestamps and panes): as a list for a checkpoint
 * or a cluster backend, one at a time for a shuffle's blocks.
 */
public final class WindowedValuesCodec implements ElementsCodec<Object>, ElementCoder<Object> {

  private final Coder<WindowedValue<Object>> elementCoder;
  private final ListCoder<WindowedValue<Object>> coder;

  @SuppressWarnings("unchecked")
  public WindowedValuesCodec(Coder<?> valueCoder, Coder<? extends BoundedWindow> windowCoder) {
    this.elementCoder = WindowedValues.getFullCoder((Coder<Object>) valueCoder, windowCoder);
    this.coder = ListCoder.of(elementCoder);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void encode(Object element, OutputStream out) throws IOException {
    elementCoder.encode((WindowedValue<Object>) element, out);
  }

  @Override
  public Object decode(InputStream in) throws IOException {
    return elementCoder.decode(in);
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
