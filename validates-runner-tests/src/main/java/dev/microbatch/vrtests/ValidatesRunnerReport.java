package dev.microbatch.vrtests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Build step run after surefire: reads {@code <reports-dir>/<mode>/TEST-*.xml} of every mode that
 * ran, maps each test case to its JUnit categories (found by reflection, see {@link
 * TestInventory}), writes a Markdown report with run / passed / failed / errors / skipped /
 * excluded / not-run counts per category, prints a summary, and throws (failing the Maven build) if
 * a test that is not excluded in {@code exclusions.txt} failed or errored, if a mode that should
 * have run produced no results, if {@link ForkWatchdog} halted the fork, or if a test that is not
 * excluded did not run at all (unless tests were picked by hand with {@code -Dtest}).
 *
 * <p>Arguments: {@code --exclusions FILE --reports-dir DIR --out FILE --jar JAR [--jar JAR...]
 * --batch-skip B --batch-options S --streaming-skip B --streaming-options S --skip-tests B
 * --maven-test-skip B [--test-filter S]}.
 */
public final class ValidatesRunnerReport {

  private static final String NOT_IN_INVENTORY = "(not found in the scanned jars)";
  private static final String TOTAL = "**Total**";

  private ValidatesRunnerReport() {}

  /** Outcome of one surefire test case. */
  enum Status {
    // Declaration order = severity when one test case is reported several times.
    PASSED,
    SKIPPED,
    FAILED,
    ERROR
  }

  /** One {@code <testcase>} of a surefire XML report. */
  static final class Result {
    final String className;
    final String name;
    final Status status;
    final String message;
    final double seconds;

    Result(String className, String name, Status status, String message, double seconds) {
      this.className = className;
      this.name = name;
      this.status = status;
      this.message = message;
      this.seconds = seconds;
    }

    String id() {
      return className + "#" + name;
    }

    /** Method name without a parameterized suffix such as {@code [0]}. */
    String baseMethod() {
      int bracket = name.indexOf('[');
      return bracket > 0 ? name.substring(0, bracket) : name;
    }
  }

  /** Counters of one report row. */
  static final class Row {
    int inJars;
    int excluded;
    int run;
    int passed;
    int failed;
    int errors;
    int skipped;
    int notRun;

    void add(Status s) {
      run++;
      switch (s) {
        case PASSED:
          passed++;
          break;
        case FAILED:
          failed++;
          break;
        case ERROR:
          errors++;
          break;
        case SKIPPED:
          skipped++;
          break;
        default:
          throw new AssertionError(s);
      }
    }
  }

  /** Everything computed for one mode. */
  static final class ModeReport {
    final Mode mode;
    final String options;
    final Map<String, Row> rows = new TreeMap<>();
    final Row total = new Row();
    final List<String> failures = new ArrayList<>();
    final List<String> excludedButRan = new ArrayList<>();
    final List<String> notRun = new ArrayList<>();
    final Set<String> duplicates = new TreeSet<>();
    final Map<ExclusionList.Entry, Integer> excludedPerEntry =
        new TreeMap<>(Comparator.comparingInt(ExclusionList.Entry::line));
    int reportFiles;
    double seconds;

    /** First line of the fork watchdog's message if it halted the fork, else null. */
    String watchdog;

    ModeReport(Mode mode, String options) {
      this.mode = mode;
      this.options = options;
    }

    Row row(String category) {
      return rows.computeIfAbsent(category, k -> new Row());
    }

    /** Non-excluded failures and errors: these fail the build. */
    int blocking() {
      return total.failed + total.errors;
    }
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    if (args.flag("skip-tests") || args.flag("maven-test-skip")) {
      System.out.println("[vr] Tests skipped: no ValidatesRunner report.");
      return;
    }
    List<Mode> modes = new ArrayList<>();
    for (Mode m : Mode.values()) {
      if (!args.flag(m.id() + "-skip")) {
        modes.add(m);
      }
    }
    if (modes.isEmpty()) {
      System.out.println("[vr] All modes skipped: no ValidatesRunner report.");
      return;
    }

    ExclusionList exclusions = ExclusionList.parse(
            args.path("exclusions"), args.get("backend", ExclusionList.LOCAL_BACKEND));
    List<Path> jars = args.paths("jar");
    TestInventory inventory =
        TestInventory.scan(jars, Thread.currentThread().getContextClassLoader());
    Path reportsDir = args.path("reports-dir");
    // -Dtest=... selects tests by hand (surefire then ignores all excludes): do not expect the
    // rest.
    // The pom passes "[${test}]"; the expression stays unresolved when -Dtest is not given.
    String testFilter = args.get("test-filter", "[]").replaceAll("^\\[|\\]$", "").trim();
    boolean selectedByHand = !testFilter.isEmpty() && !testFilter.startsWith("${");

    List<ModeReport> reports = new ArrayList<>();
    for (Mode mode : modes) {
      reports.add(
          analyze(
              mode,
              args.get(mode.id() + "-options", ""),
              reportsDir.resolve(mode.id()),
              inventory,
              exclusions));
    }

    Path out = args.path("out");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.write(
        out, markdown(
            args.get("backend", ExclusionList.LOCAL_BACKEND), reports, inventory, exclusions, jars).getBytes(StandardCharsets.UTF_8));

    List<String> problems = new ArrayList<>();
    StringBuilder summary = new StringBuilder();
    summary.append("[vr] ValidatesRunner report: ").append(out).append('\n');
    for (ModeReport r : reports) {
      Row t = r.total;
      summary.append(
          String.format(
              "[vr] %-10s run %d, passed %d, failed %d, errors %d, skipped %d, excluded %d,"
                  + " not run %d (%.0f s)%n",
              r.mode.id() + ":",
              t.run,
              t.passed,
              t.failed,
              t.errors,
              t.skipped,
              t.excluded,
              t.notRun,
              r.seconds));
      int shown = 0;
      for (String f : r.failures) {
        if (shown++ == 25) {
          summary.append("[vr]     ... ").append(r.failures.size() - 25).append(" more\n");
          break;
        }
        summary.append("[vr]     FAILED ").append(f).append('\n');
      }
      if (r.reportFiles == 0 || t.run == 0) {
        problems.add(
            r.mode.id() + " mode produced no test results in " + reportsDir.resolve(r.mode.id()));
      }
      if (r.watchdog != null) {
        problems.add(r.mode.id() + " mode: the test fork was halted: " + r.watchdog);
      }
      if (!r.notRun.isEmpty() && !selectedByHand) {
        problems.add(
            r.mode.id()
                + " mode: "
                + r.notRun.size()
                + " tests were neither excluded nor run"
                + " (fork crashed or timed out?)");
      }
      if (r.blocking() > 0) {
        problems.add(
            r.mode.id() + " mode: " + r.blocking() + " non-excluded tests failed or errored");
      }
      if (!r.duplicates.isEmpty()) {
        summary
            .append("[vr]     WARNING: ")
            .append(r.duplicates.size())
            .append(" tests were reported more than once (see report)\n");
      }
      if (!r.excludedButRan.isEmpty()) {
        summary
            .append("[vr]     WARNING: ")
            .append(r.excludedButRan.size())
            .append(" excluded tests ran anyway (see report)\n");
      }
    }
    System.out.print(summary);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "ValidatesRunner suite failed: " + String.join("; ", problems) + ". See " + out);
    }
  }

  static ModeReport analyze(
      Mode mode, String options, Path dir, TestInventory inventory, ExclusionList exclusions)
      throws IOException, ParserConfigurationException, SAXException {
    ModeReport r = new ModeReport(mode, options);
    Map<TestInventory.TestMethod, ExclusionList.Entry> excluded =
        exclusions.resolve(inventory, mode);
    for (TestInventory.TestMethod t : inventory.testList()) {
      ExclusionList.Entry e = excluded.get(t);
      r.total.inJars++;
      for (String c : t.categoryNames()) {
        r.row(c).inJars++;
      }
      if (e != null) {
        r.total.excluded++;
        for (String c : t.categoryNames()) {
          r.row(c).excluded++;
        }
        r.excludedPerEntry.merge(e, 1, Integer::sum);
      }
    }

    // A test case reported more than once (e.g. also run through an Enclosed/Suite class, or an
    // error in both the test and a rule) counts once, with its worst outcome.
    Map<String, Result> unique = new LinkedHashMap<>();
    for (Result res : readResults(dir, r)) {
      Result previous = unique.get(res.id());
      if (previous == null) {
        unique.put(res.id(), res);
      } else {
        r.duplicates.add(res.id());
        if (res.status.ordinal() > previous.status.ordinal() && res.status != Status.SKIPPED) {
          unique.put(res.id(), res);
        }
      }
    }
    Set<String> ran = new TreeSet<>();
    for (Result res : unique.values()) {
      TestInventory.TestMethod t = inventory.get(res.className, res.baseMethod());
      ran.add(res.className + "#" + res.baseMethod());
      r.seconds += res.seconds;
      ExclusionList.Entry e = t == null ? null : excluded.get(t);
      List<String> categories = t == null ? List.of(NOT_IN_INVENTORY) : t.categoryNames();
      if (e != null) {
        r.excludedButRan.add(res.id() + ": " + res.status + " (excluded by " + e + ")");
        continue;
      }
      r.total.add(res.status);
      for (String c : categories) {
        r.row(c).add(res.status);
      }
      if (res.status == Status.FAILED || res.status == Status.ERROR) {
        r.failures.add(res.id() + " [" + res.status + "] " + res.message);
      }
    }
    for (TestInventory.TestMethod t : inventory.testList()) {
      if (!excluded.containsKey(t) && !ran.contains(t.id())) {
        r.notRun.add(t.id());
        r.total.notRun++;
        for (String c : t.categoryNames()) {
          r.row(c).notRun++;
        }
      }
    }
    return r;
  }

  private static List<Result> readResults(Path dir, ModeReport r)
      throws IOException, ParserConfigurationException, SAXException {
    List<Result> results = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return results;
    }
    Path watchdog = dir.resolve("fork-watchdog.txt");
    if (Files.exists(watchdog)) {
      r.watchdog =
          firstLine(Files.readString(watchdog, StandardCharsets.UTF_8))
              + " (details: "
              + watchdog
              + ")";
    }
    DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
    dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    DocumentBuilder db = dbf.newDocumentBuilder();
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "TEST-*.xml")) {
      ds.forEach(files::add);
    }
    Collections.sort(files);
    for (Path file : files) {
      r.reportFiles++;
      Document doc;
      try (InputStream in = Files.newInputStream(file)) {
        doc = db.parse(in);
      }
      NodeList cases = doc.getElementsByTagName("testcase");
      for (int i = 0; i < cases.getLength(); i++) {
        Element tc = (Element) cases.item(i);
        Status status = Status.PASSED;
        String message = "";
        for (Node n = tc.getFirstChild(); n != null; n = n.getNextSibling()) {
          if (!(n instanceof Element)) {
            continue;
          }
          String tag = ((Element) n).getTagName();
          Status s = null;
          if (tag.equals("failure")) {
            s = Status.FAILED;
          } else if (tag.equals("error")) {
            s = Status.ERROR;
          } else if (tag.equals("skipped")) {
            s = Status.SKIPPED;
          }
          if (s != null) {
            status = s;
            Element el = (Element) n;
            message =
                firstLine(
                    el.hasAttribute("message")
                        ? el.getAttribute("message")
                        : el.getAttribute("type"));
            if (el.hasAttribute("type") && s != Status.SKIPPED) {
              message = el.getAttribute("type") + ": " + message;
            }
            break;
          }
        }
        double seconds = 0;
        try {
          seconds = Double.parseDouble(tc.getAttribute("time").replace(",", ""));
        } catch (NumberFormatException ignored) {
          // keep 0
        }
        results.add(
            new Result(
                tc.getAttribute("classname"), tc.getAttribute("name"), status, message, seconds));
      }
    }
    return results;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.strip();
    int nl = line.indexOf('\n');
    if (nl >= 0) {
      line = line.substring(0, nl).strip();
    }
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  static String markdown(
      String backend,
      List<ModeReport> reports,
      TestInventory inventory,
      ExclusionList exclusions,
      List<Path> jars) {
    StringBuilder md = new StringBuilder();
    md.append("# Beam ValidatesRunner report: MicroBatchRunner, ")
        .append(backend)
        .append(" backend\n\n");
    md.append("Tests jars scanned: ");
    List<String> jarNames = new ArrayList<>();
    for (Path j : jars) {
      jarNames.add(
          "`"
              + j.getFileName()
              + "` ("
              + inventory.testsPerJar().getOrDefault(j.getFileName().toString(), 0)
              + " ValidatesRunner tests)");
    }
    md.append(String.join(", ", jarNames)).append(".  \n");
    md.append("Exclusions: `").append(exclusions.file().getFileName()).append("`.\n\n");
    md.append("Columns: **In jars** ValidatesRunner test methods found by reflection; **Excluded**")
        .append(" by `exclusions.txt` in this mode; **Run** test cases surefire reported")
        .append(" (a parameterized method counts once per parameter set; includes skipped);")
        .append(" **Skipped** `@Ignore`d or assumption failures; **Not run** neither excluded")
        .append(" nor reported by surefire. A test with several categories is counted in each;")
        .append(" the total line counts every test once.\n\n");

    for (ModeReport r : reports) {
      md.append("## Mode: ").append(r.mode.id()).append("\n\n");
      md.append("Pipeline options: `").append(r.options).append("`  \n");
      boolean passed =
          r.blocking() == 0 && r.total.run > 0 && r.watchdog == null && r.notRun.isEmpty();
      md.append("Result: ")
          .append(passed ? "**PASSED**" : "**FAILED**")
          .append(
              String.format(
                  " (%d surefire report files, %.0f s of test time)%n%n",
                  r.reportFiles, r.seconds));
      md.append("| Category | In jars | Excluded | Run | Passed | Failed | Errors | Skipped |")
          .append(" Not run |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Map.Entry<String, Row> e : r.rows.entrySet()) {
        appendRow(md, GenerateSurefireExcludes.shortName(e.getKey()), e.getValue());
      }
      appendRow(md, TOTAL, r.total);
      if (r.watchdog != null) {
        md.append("\n**The test fork was halted:** ").append(r.watchdog).append('\n');
      }

      appendList(md, "Failed tests (" + r.failures.size() + ")", r.failures);
      appendList(
          md, "Excluded tests that ran anyway (" + r.excludedButRan.size() + ")", r.excludedButRan);
      appendList(md, "Tests neither excluded nor run (" + r.notRun.size() + ")", r.notRun);
      appendList(
          md,
          "Tests reported more than once, counted once (" + r.duplicates.size() + ")",
          new ArrayList<>(r.duplicates));

      md.append("\n### Exclusions applied\n\n| Entry | Tests | Reason |\n|---|---:|---|\n");
      for (Map.Entry<ExclusionList.Entry, Integer> e : r.excludedPerEntry.entrySet()) {
        md.append("| `")
            .append(e.getKey().label())
            .append("` | ")
            .append(e.getValue())
            .append(" | ")
            .append(e.getKey().reason().replace("|", "\\|"))
            .append(" |\n");
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static void appendRow(StringBuilder md, String name, Row row) {
    md.append(
        String.format(
            "| %s | %d | %d | %d | %d | %d | %d | %d | %d |%n",
            name,
            row.inJars,
            row.excluded,
            row.run,
            row.passed,
            row.failed,
            row.errors,
            row.skipped,
            row.notRun));
  }

  private static void appendList(StringBuilder md, String title, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    md.append("\n### ").append(title).append("\n\n");
    for (String item : items) {
      md.append("- `").append(item.replace("`", "'")).append("`\n");
    }
  }
}
