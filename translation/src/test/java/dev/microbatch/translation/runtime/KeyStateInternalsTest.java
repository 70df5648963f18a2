package dev.microbatch.translation.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.joda.time.Instant;
import org.junit.Test;

/** One key's state: a cell per window and tag, its holds, what it forgets, what it checkpoints. */
public class KeyStateInternalsTest {

  private static final StateTag<BagState<String>> BUFFER =
      StateTags.bag("buffer", StringUtf8Coder.of());
  private static final StateTag<ValueState<Long>> COUNT =
      StateTags.value("count", VarLongCoder.of());
  private static final StateTag<WatermarkHoldState> HOLD =
      StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST);

  private final KeyStateInternals state = new KeyStateInternals("key");

  private static StateNamespace windowOf(long startMillis) {
    return StateNamespaces.window(
        IntervalWindow.getCoder(),
        new IntervalWindow(new Instant(startMillis), new Instant(startMillis + 10)));
  }

  @Test
  public void aCellIsFoundAgainThroughAnotherNamespaceObjectForTheSameWindowAndATagWithTheSameId() {
    state.state(windowOf(0), BUFFER).add("a");

    BagState<String> again =
        state.state(windowOf(0), StateTags.bag("buffer", StringUtf8Coder.of()));

    assertEquals(List.of("a"), contents(again));
    assertNotSame(again, state.state(windowOf(10), BUFFER));
    assertTrue(state.state(windowOf(10), BUFFER).isEmpty().read());
  }

  @Test
  public void theEarliestHoldIsTheEarliestOverEveryWindow() {
    assertEquals(Optional.empty(), state.earliestHold());

    state.state(windowOf(10), HOLD).add(new Instant(15));
    state.state(windowOf(0), HOLD).add(new Instant(5));

    assertEquals(Optional.of(new Instant(5)), state.earliestHold());
  }

  @Test
  public void aWindowWhoseCellsAreAllClearedIsForgottenAndAWindowStillInUseIsKept() {
    StateNamespace collected = windowOf(0);
    StateNamespace open = windowOf(10);
    BagState<String> collectedBuffer = state.state(collected, BUFFER);
    collectedBuffer.add("old");
    state.state(collected, HOLD).add(new Instant(5));
    state.state(open, BUFFER).add("new");
    state.state(open, COUNT).clear();

    state.state(collected, BUFFER).clear();
    state.state(collected, HOLD).clear();
    state.forgetCleared();

    assertNotSame(collectedBuffer, state.state(collected, BUFFER));
    assertTrue(state.state(collected, BUFFER).isEmpty().read());
    assertEquals(List.of("new"), contents(state.state(open, BUFFER)));
    assertEquals(Optional.empty(), state.earliestHold());
  }

  @Test
  public void aCheckpointRestoresEachCellWhenFirstAskedForAndKeepsTheOthersForTheNextOne()
      throws Exception {
    state.state(windowOf(0), BUFFER).add("a");
    state.state(windowOf(0), COUNT).write(2L);
    state.state(windowOf(10), HOLD).add(new Instant(12));
    state.state(windowOf(20), BUFFER).clear();

    KeyStateInternals restored = roundTrip(state);

    assertEquals(Optional.of(new Instant(12)), restored.earliestHold());
    assertEquals(List.of("a"), contents(restored.state(windowOf(0), BUFFER)));
    KeyStateInternals again = roundTrip(restored);
    assertEquals(Long.valueOf(2L), again.state(windowOf(0), COUNT).read());
    assertEquals(List.of("a"), contents(again.state(windowOf(0), BUFFER)));
    assertEquals(Optional.of(new Instant(12)), again.earliestHold());
  }

  @Test
  public void theSameNamespaceObjectAskedForTwiceGivesTheSameCell() {
    StateNamespace window = windowOf(0);

    assertSame(state.state(window, COUNT), state.state(window, COUNT));
  }

  private static List<String> contents(BagState<String> bag) {
    List<String> values = new ArrayList<>();
    bag.read().forEach(values::add);
    return values;
  }

  private static KeyStateInternals roundTrip(KeyStateInternals original) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      original.encode(out);
    }
    KeyStateInternals copy = new KeyStateInternals(original.getKey());
    copy.decode(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    return copy;
  }
}
