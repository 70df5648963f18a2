package dev.microbatch.translation.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.junit.Test;

/** A bag cell holding its values encoded: the same contents and views as Beam's in-memory bag. */
public class EncodedBagTest {

  private static <T> List<T> contents(Iterable<T> values) {
    List<T> list = new ArrayList<>();
    values.forEach(list::add);
    return list;
  }

  @Test
  public void valuesComeBackInTheOrderTheyWereAddedAsOftenAsTheyAreRead() {
    EncodedBag<String> bag = new EncodedBag<>(StringUtf8Coder.of());
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String value = i % 1_000 == 0 ? "x".repeat(100_000) : "value-" + i;
      bag.add(value);
      added.add(value);
    }

    Iterable<String> read = bag.read();
    assertEquals(added, contents(read));
    assertEquals(added, contents(read));
  }

  @Test
  public void aReadIsAViewOfWhatWasAddedBeforeItAndOutlivesAClear() {
    EncodedBag<Integer> bag = new EncodedBag<>(VarIntCoder.of());
    bag.add(1);
    bag.add(2);
    Iterable<Integer> before = bag.read();
    bag.add(3);
    Iterable<Integer> after = bag.read();
    bag.clear();
    bag.add(4);

    assertEquals(List.of(1, 2), contents(before));
    assertEquals(List.of(1, 2, 3), contents(after));
    assertEquals(List.of(4), contents(bag.read()));
  }

  @Test
  public void aValueIsCopiedWhenAdded() {
    EncodedBag<List<String>> bag = new EncodedBag<>(ListCoder.of(StringUtf8Coder.of()));
    List<String> value = new ArrayList<>(List.of("a"));
    bag.add(value);
    value.add("b");

    assertEquals(List.of(List.of("a")), contents(bag.read()));
  }

  @Test
  public void emptinessAndCopies() {
    EncodedBag<Integer> bag = new EncodedBag<>(VarIntCoder.of());
    assertTrue(bag.isEmpty().read());
    assertTrue(bag.isCleared());
    bag.add(7);
    assertFalse(bag.isEmpty().read());
    EncodedBag<Integer> copy = bag.copy();
    bag.add(8);
    bag.clear();

    assertTrue(bag.isCleared());
    assertEquals(List.of(7), contents(copy.read()));
  }

  @Test
  public void aValueItsCoderCannotEncodeFailsNamingTheCoderAndLeavesTheBagAsItWas() {
    EncodedBag<List<String>> bag = new EncodedBag<>(ListCoder.of(StringUtf8Coder.of()));
    bag.add(List.of("a"));
    // The list's size and first string are written before the null fails the coder.
    List<String> halfEncodable = Arrays.asList("b", null);
    UncheckedIOException error =
        assertThrows(UncheckedIOException.class, () -> bag.add(halfEncodable));
    assertTrue(error.getMessage(), error.getMessage().contains("StringUtf8Coder"));
    bag.add(List.of("c"));

    assertEquals(List.of(List.of("a"), List.of("c")), contents(bag.read()));
  }
}
