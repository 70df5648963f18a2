package dev.microbatch.benchmarks.nexmark;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Reading the file Nexmark's {@code --perfFilename} appends to. */
public class PerfFileTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void readsEachQuerysTopLevelFiguresNotItsSnapshots() throws IOException {
    Path file =
        write(
            "",
            "# 2026-11-30T14:57:17.716Z",
            "# query:PASSTHROUGH; numEvents:1000",
            "{\"debug\":true,\"query\":\"PASSTHROUGH\",\"numEvents\":1000}",
            "{\"snapshots\":[{\"runtimeSec\":0.1,\"numEvents\":7,\"numResults\":3}],"
                + "\"runtimeSec\":0.5,\"numEvents\":1000,\"eventsPerSec\":2000.0,"
                + "\"numResults\":1000,\"errors\":[],\"jobId\":null}",
            "",
            "# 2026-11-30T14:57:19.000Z",
            "# query:SELECTION; numEvents:1000",
            "{\"debug\":true,\"query\":\"SELECTION\",\"numEvents\":1000}",
            "{\"runtimeSec\":0.25,\"numEvents\":1000,\"eventsPerSec\":4000.0,"
                + "\"numResults\":-1,\"errors\":[]}");

    Map<Integer, PerfFile.QueryPerf> perfs = PerfFile.read(file);

    assertThat(perfs.keySet(), contains(0, 2));
    PerfFile.QueryPerf q0 = perfs.get(0);
    assertEquals(1000, q0.numEvents());
    assertEquals(2000.0, q0.eventsPerSec(), 0.0);
    assertEquals(1000, q0.results());
    assertEquals(0.5, q0.runtimeSec(), 0.0);
    assertThat(q0.errors(), empty());
    // Nexmark's -1: its result monitor counted nothing.
    assertEquals(0, perfs.get(2).results());
  }

  @Test
  public void keepsNexmarksErrorsAndCountsAMissingListAsOne() throws IOException {
    PerfFile.QueryPerf failed =
        PerfFile.parse(
            "{\"query\":\"HOT_ITEMS\"}",
            "{\"numEvents\":10,\"errors\":[\"Pipeline reported 1 fatal errors\"]}");
    PerfFile.QueryPerf noList = PerfFile.parse("{\"query\":\"HOT_ITEMS\"}", "{\"numEvents\":10}");

    assertEquals(5, failed.query());
    assertEquals(List.of("Pipeline reported 1 fatal errors"), failed.errors());
    assertEquals(1, noList.errors().size());
  }

  @Test(expected = IOException.class)
  public void refusesAConfigurationWithoutItsPerfLine() throws IOException {
    PerfFile.read(write("# query:PASSTHROUGH", "{\"query\":\"PASSTHROUGH\"}"));
  }

  private Path write(String... lines) throws IOException {
    return Files.write(folder.newFile("perf.txt").toPath(), List.of(lines));
  }
}
