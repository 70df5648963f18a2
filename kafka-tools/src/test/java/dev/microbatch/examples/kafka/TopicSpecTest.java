package dev.microbatch.examples.kafka;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

/** How the local broker's command line names the topics to create. */
public class TopicSpecTest {

  @Test
  public void aNameAloneHasOnePartition() {
    assertEquals(new TopicSpec("lines", 1), TopicSpec.parse("lines"));
  }

  @Test
  public void aCountAfterTheLastColonIsThePartitionCount() {
    assertEquals(new TopicSpec("lines", 4), TopicSpec.parse("lines:4"));
  }

  @Test
  public void aBadCountIsRefusedNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.parse("lines:four"));
    assertEquals("Not a partition count in 'lines:four': 'four'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TopicSpec.parse("lines:0"));
    assertThrows(IllegalArgumentException.class, () -> TopicSpec.parse(":3"));
  }
}
