package dev.microbatch.runner.status;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Event logs in a Beam FileSystem, named by a folder URI: each run's log is a folder of segments
 * written through Beam's FileSystems (here its local one, as {@code file://}), readable as soon as
 * a segment is written.
 */
public class EventLogStoreTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private String uriOf(Path path) {
    return "file://" + path.toAbsolutePath() + "/";
  }

  private static List<String> linesOf(String location) throws Exception {
    List<EventLogStore.Log> logs = EventLogStore.logsAt(location);
    assertEquals(1, logs.size());
    return logs.get(0).lines();
  }

  @Test
  public void eachEndedBatchMakesTheLinesSoFarReadableAsASegment() throws Exception {
    String dir = uriOf(folder.newFolder("events").toPath());
    List<String> ids = new ArrayList<>();
    EventLogStore.Writer log =
        EventLogStore.create(dir, "run", ids::add, Duration.ZERO, System::nanoTime);
    assertEquals(List.of("run"), ids);

    log.append("{\"event\":\"RunStarted\"}");
    log.append("{\"event\":\"BatchCompleted\",\"batchId\":1}");
    log.batchEnded();
    assertEquals(2, linesOf(dir).size());

    log.append("{\"event\":\"BatchCompleted\",\"batchId\":2}");
    assertEquals("not readable before the batch's segment", 2, linesOf(dir).size());
    log.batchEnded();
    List<String> lines = linesOf(dir + "run/");
    assertEquals(3, lines.size());
    assertThat(lines.get(2), containsString("\"batchId\":2"));

    log.append("{\"event\":\"RunEnded\"}");
    log.close();
    assertEquals(4, linesOf(dir).size());
  }

  @Test
  public void segmentsAreWrittenAtMostOncePerIntervalAndAtTheEnd() throws Exception {
    String dir = uriOf(folder.newFolder("events").toPath());
    AtomicLong now = new AtomicLong();
    EventLogStore.Writer log =
        EventLogStore.create(dir, "run", id -> {}, Duration.ofSeconds(10), now::get);
    log.append("first");
    log.batchEnded();
    assertEquals("the first segment at once", List.of("first"), linesOf(dir));

    now.addAndGet(Duration.ofSeconds(9).toNanos());
    log.append("second");
    log.batchEnded();
    assertEquals(List.of("first"), linesOf(dir));

    now.addAndGet(Duration.ofSeconds(1).toNanos());
    log.append("third");
    log.batchEnded();
    assertEquals(List.of("first", "second", "third"), linesOf(dir));

    log.append("last");
    log.close();
    assertEquals(List.of("first", "second", "third", "last"), linesOf(dir));
  }

  @Test
  public void aRunNamedAsAnEarlierOneGetsALogOfItsOwn() throws Exception {
    String dir = uriOf(folder.newFolder("events").toPath());
    List<String> ids = new ArrayList<>();
    for (String line : List.of("one", "two")) {
      EventLogStore.Writer log = EventLogStore.create(dir, "job", ids::add);
      log.append(line);
      log.close();
    }
    assertEquals(List.of("job", "job-2"), ids);
    List<EventLogStore.Log> logs = EventLogStore.logsAt(dir);
    java.util.Map<String, List<String>> byRun = new java.util.TreeMap<>();
    for (EventLogStore.Log log : logs) {
      String location = log.location();
      String run = location.substring(0, location.length() - 1);
      byRun.put(run.substring(run.lastIndexOf('/') + 1) + "/", log.lines());
    }
    assertEquals(java.util.Map.of("job/", List.of("one"), "job-2/", List.of("two")), byRun);
  }

  @Test
  public void aSchemeWithoutAFileSystemIsRefusedNamingTheOption() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> EventLogStore.create("nosuchfs://bucket/logs/", "run", id -> {}));
    assertThat(refused.getMessage(), containsString("--eventLogDir"));
    assertThat(refused.getMessage(), containsString("nosuchfs://bucket/logs/"));
  }
}
