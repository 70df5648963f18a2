package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.KeyBytes;
import dev.microbatch.runner.state.Frames;
import dev.microbatch.runner.state.StateCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.TimerInternals.TimerDataCoderV2;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * A keyed step's per-key state in a checkpoint: the state cells and the pending timers. The key
 * object is decoded from the store's key bytes with the step's key coder.
 */
final class KeyStateCodec implements StateCodec<KeyState> {

  private final Coder<Object> keyCoder;
  private final TimerDataCoderV2 timerCoder;

  @SuppressWarnings("unchecked")
  KeyStateCodec(Coder<?> keyCoder, Coder<? extends BoundedWindow> windowCoder) {
    this.keyCoder = (Coder<Object>) keyCoder;
    this.timerCoder = TimerDataCoderV2.of(windowCoder);
  }

  @Override
  public void encode(KeyState state, DataOutputStream out) throws IOException {
    state.state().encode(out);
    out.writeInt(state.timers().pendingTimers().size());
    for (TimerData timer : state.timers().pendingTimers()) {
      Frames.writeValue(out, timerCoder, timer);
    }
  }

  @Override
  @SuppressWarnings("deprecation")
  public KeyState decode(KeyBytes key, DataInputStream in) throws IOException {
    KeyState state = new KeyState(CoderUtils.decodeFromByteArray(keyCoder, key.bytes()));
    state.state().decode(in);
    int timers = in.readInt();
    for (int i = 0; i < timers; i++) {
      state.timers().setTimer(Frames.readValue(in, timerCoder));
    }
    return state;
  }

  /** The key coder of a keyed step's input (KVs, or keyed work items of a splittable DoFn). */
  static Coder<?> keyCoderOf(Coder<?> inputCoder, String stepName) {
    if (inputCoder instanceof KvCoder<?, ?> kv) {
      return kv.getKeyCoder();
    }
    if (inputCoder instanceof org.apache.beam.runners.core.KeyedWorkItemCoder<?, ?> items) {
      return items.getKeyCoder();
    }
    throw new IllegalStateException(
        "Keyed step "
            + stepName
            + " has input coder "
            + inputCoder
            + ", expected a KvCoder or KeyedWorkItemCoder");
  }
}
