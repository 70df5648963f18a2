package dev.microbatch.runner.dstream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** A partition with one reader hands on every element once and keeps none of them. */
public class SingleReadPartitionTest {

  @Test
  public void handsOnEveryElementInOrderAndLetsGoOfThem() throws Exception {
    List<String> elements = new ArrayList<>(List.of("a", "b", "c"));
    List<String> read = new ArrayList<>();
    List<Integer> heldWhileReading = new ArrayList<>();

    new SingleReadPartition<>(elements)
        .forEach(
            element -> {
              read.add(element);
              heldWhileReading.add((int) elements.stream().filter(e -> e != null).count());
            });

    assertEquals(List.of("a", "b", "c"), read);
    // Each element is let go of before the reader gets it, not when the whole partition is done.
    assertEquals(List.of(2, 1, 0), heldWhileReading);
    assertTrue(elements.isEmpty());
  }

  @Test
  public void aSecondReadFails() throws Exception {
    SingleReadPartition<String> partition = new SingleReadPartition<>(new ArrayList<>(List.of("a")));
    partition.forEach(element -> {});

    IllegalStateException error =
        assertThrows(IllegalStateException.class, () -> partition.forEach(element -> {}));
    assertTrue(error.getMessage().contains("read a second time"));
  }
}
