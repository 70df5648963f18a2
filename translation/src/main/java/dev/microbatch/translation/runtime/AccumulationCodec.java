package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.Frames;
import dev.microbatch.runner.state.StateCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;

/** A lifted combine's per-key accumulators, one per window, in a checkpoint. */
final class AccumulationCodec implements StateCodec<Map<BoundedWindow, Accumulation>> {

  private final Coder<Object> keyCoder;
  private final Coder<Object> accumulatorCoder;
  private final Coder<BoundedWindow> windowCoder;

  @SuppressWarnings("unchecked")
  AccumulationCodec(CombineSpec spec) {
    this.keyCoder = spec.keyCoder();
    this.accumulatorCoder = spec.accumulatorCoder();
    this.windowCoder = (Coder<BoundedWindow>) spec.windowingStrategy().getWindowFn().windowCoder();
  }

  @Override
  public void encode(Map<BoundedWindow, Accumulation> windows, DataOutputStream out)
      throws IOException {
    out.writeInt(windows.size());
    for (Map.Entry<BoundedWindow, Accumulation> window : windows.entrySet()) {
      Frames.writeValue(out, windowCoder, window.getKey());
      Frames.writeValue(out, accumulatorCoder, window.getValue().accumulator);
      out.writeLong(window.getValue().timestamp.getMillis());
    }
  }

  @Override
  public Map<BoundedWindow, Accumulation> decode(KeyBytes key, DataInputStream in)
      throws IOException {
    Object keyObject = CoderUtils.decodeFromByteArray(keyCoder, key.bytes());
    int count = in.readInt();
    Map<BoundedWindow, Accumulation> windows = new HashMap<>();
    for (int i = 0; i < count; i++) {
      BoundedWindow window = Frames.readValue(in, windowCoder);
      Object accumulator = Frames.readValue(in, accumulatorCoder);
      windows.put(window, new Accumulation(keyObject, accumulator, new Instant(in.readLong())));
    }
    return windows;
  }
}
