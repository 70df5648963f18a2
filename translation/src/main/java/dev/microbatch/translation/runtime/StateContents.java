package dev.microbatch.translation.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.MultimapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;

/**
 * The contents of one Beam state cell as bytes, with the coders its spec declares, and back into a
 * fresh cell. Watermark holds are a timestamp (their spec has no coder).
 */
final class StateContents {

  private StateContents() {}

  /** The coder of one cell's whole contents, chosen by the kind of state its spec declares. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Coder<Object> coderOf(StateTag<?> tag) {
    StateSpec<?> spec = tag.getSpec();
    Coder<?> coder =
        spec.match(
            new StateSpec.Cases<Coder<?>>() {
              @Override
              public Coder<?> dispatchValue(Coder<?> valueCoder) {
                return NullableCoder.of(required(valueCoder, tag));
              }

              @Override
              public Coder<?> dispatchBag(Coder<?> elementCoder) {
                return ListCoder.of(required(elementCoder, tag));
              }

              @Override
              public Coder<?> dispatchOrderedList(Coder<?> elementCoder) {
                return ListCoder.of(
                    TimestampedValue.TimestampedValueCoder.of(required(elementCoder, tag)));
              }

              @Override
              public Coder<?> dispatchCombining(
                  Combine.CombineFn<?, ?, ?> combineFn, Coder<?> accumCoder) {
                return required(accumCoder, tag);
              }

              @Override
              public Coder<?> dispatchMap(Coder<?> keyCoder, Coder<?> valueCoder) {
                return MapCoder.of(required(keyCoder, tag), required(valueCoder, tag));
              }

              @Override
              public Coder<?> dispatchSet(Coder<?> elementCoder) {
                return ListCoder.of(required(elementCoder, tag));
              }

              @Override
              public Coder<?> dispatchMultimap(Coder<?> keyCoder, Coder<?> valueCoder) {
                return ListCoder.of(KvCoder.of(required(keyCoder, tag), required(valueCoder, tag)));
              }
            });
    return (Coder) coder;
  }

  private static Coder<?> required(Coder<?> coder, StateTag<?> tag) {
    if (coder == null) {
      throw new IllegalStateException(
          "State " + tag.getId() + " has no coder, so it cannot be checkpointed");
    }
    return coder;
  }

  /** The cell's contents, encoded. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static byte[] encode(StateTag<?> tag, State state) throws IOException {
    if (state instanceof WatermarkHoldState hold) {
      return CoderUtils.encodeToByteArray(NullableCoder.of(InstantCoder.of()), hold.read());
    }
    Object contents;
    if (state instanceof ValueState value) {
      contents = value.read();
    } else if (state instanceof CombiningState combining) {
      contents = combining.getAccum();
    } else if (state instanceof OrderedListState list) {
      contents = listOf((Iterable<?>) list.read());
    } else if (state instanceof BagState bag) {
      contents = listOf((Iterable<?>) bag.read());
    } else if (state instanceof SetState set) {
      contents = listOf((Iterable) set.read());
    } else if (state instanceof MapState map) {
      Map<Object, Object> entries = new LinkedHashMap<>();
      for (Object entry : (Iterable<Map.Entry<Object, Object>>) map.entries().read()) {
        Map.Entry<Object, Object> e = (Map.Entry<Object, Object>) entry;
        entries.put(e.getKey(), e.getValue());
      }
      contents = entries;
    } else if (state instanceof MultimapState multimap) {
      List<KV<Object, Object>> entries = new ArrayList<>();
      for (Object entry : (Iterable<Map.Entry<Object, Object>>) multimap.entries().read()) {
        Map.Entry<Object, Object> e = (Map.Entry<Object, Object>) entry;
        entries.add(KV.of(e.getKey(), e.getValue()));
      }
      contents = entries;
    } else {
      throw new IllegalStateException(
          "State "
              + tag.getId()
              + " of kind "
              + state.getClass().getSimpleName()
              + " cannot be checkpointed");
    }
    return CoderUtils.encodeToByteArray(coderOf(tag), contents);
  }

  /** The timestamp an encoded watermark hold holds at, if any. */
  static Instant holdOf(byte[] bytes) throws IOException {
    return CoderUtils.decodeFromByteArray(NullableCoder.of(InstantCoder.of()), bytes);
  }

  /** Fills a fresh cell with encoded contents. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static void restore(StateTag<?> tag, State state, byte[] bytes) throws IOException {
    if (state instanceof WatermarkHoldState hold) {
      Instant held = holdOf(bytes);
      if (held != null) {
        hold.add(held);
      }
      return;
    }
    Object contents = CoderUtils.decodeFromByteArray(coderOf(tag), bytes);
    if (state instanceof ValueState value) {
      if (contents != null) {
        value.write(contents);
      }
    } else if (state instanceof CombiningState combining) {
      combining.addAccum(contents);
    } else if (state instanceof OrderedListState list) {
      ((List<TimestampedValue<Object>>) contents).forEach(list::add);
    } else if (state instanceof BagState bag) {
      ((List<Object>) contents).forEach(bag::add);
    } else if (state instanceof SetState set) {
      ((List<Object>) contents).forEach(set::add);
    } else if (state instanceof MapState map) {
      ((Map<Object, Object>) contents).forEach(map::put);
    } else if (state instanceof MultimapState multimap) {
      ((List<KV<Object, Object>>) contents).forEach(kv -> multimap.put(kv.getKey(), kv.getValue()));
    }
  }

  private static List<Object> listOf(Iterable<?> values) {
    List<Object> list = new ArrayList<>();
    values.forEach(list::add);
    return list;
  }
}
