package dev.microbatch.translation.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import java.util.HashMap;
import java.util.Map;
import org.joda.time.Instant;
import org.junit.Test;

/** A window's accumulations in a lifted combine, found by the key's structural value. */
public class AccumulationTableTest {

  private static final Instant T = new Instant(0);

  @Test
  public void anEqualKeyFindsTheAccumulationBegunForAnother() {
    AccumulationTable table = new AccumulationTable();
    Accumulation begun = table.begin(new String("word"), "word", 1L, T);
    assertSame(begun, table.get(new String("word")));
    assertNull(table.get("other"));
  }

  @Test
  public void keysWithTheSameHashAreKeptApart() {
    assertEquals("Aa".hashCode(), "BB".hashCode());
    AccumulationTable table = new AccumulationTable();
    Accumulation aa = table.begin("Aa", "Aa", 1L, T);
    Accumulation bb = table.begin("BB", "BB", 2L, T);
    assertNotSame(aa, bb);
    assertSame(aa, table.get("Aa"));
    assertSame(bb, table.get("BB"));
  }

  @Test
  public void aNullKeyHasAnAccumulationOfItsOwn() {
    AccumulationTable table = new AccumulationTable();
    assertNull(table.get(null));
    Accumulation ofNull = table.begin(null, null, 1L, T);
    table.begin(0, 0, 2L, T);
    assertSame(ofNull, table.get(null));
    assertEquals(2L, table.get(0).accumulator);
  }

  @Test
  public void everyAccumulationIsFoundAndVisitedOnceAsTheTableGrows() {
    AccumulationTable table = new AccumulationTable();
    int keys = 100_000;
    for (int i = 0; i < keys; i++) {
      table.begin(i, "key " + i, (long) i, T);
    }
    assertEquals(keys, table.size());
    for (int i = 0; i < keys; i += 997) {
      assertEquals((long) i, table.get(i).accumulator);
    }
    Map<Object, Integer> visits = new HashMap<>();
    for (Accumulation acc : table) {
      visits.merge(acc.key, 1, Integer::sum);
    }
    assertEquals(keys, visits.size());
    assertEquals(1, (int) visits.values().stream().max(Integer::compare).orElseThrow());
  }
}
