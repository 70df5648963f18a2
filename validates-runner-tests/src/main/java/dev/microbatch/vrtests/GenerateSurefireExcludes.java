package dev.microbatch.vrtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Build step run before the {@code test} phase: turns {@code exclusions.txt} into one surefire
 * {@code excludesFile} per mode.
 *
 * <p>Every entry of the exclusion list (category, class or method) is resolved against the
 * ValidatesRunner tests found by {@link TestInventory} and written as explicit {@code Class#method}
 * patterns, so surefire needs no {@code excludedGroups} and the exclusion list stays the only place
 * where exclusions are declared. It also writes {@code inventory.md} (every ValidatesRunner test
 * with its categories and its exclusion per mode), deletes stale per-mode surefire report
 * directories, and fails on entries that match nothing.
 *
 * <p>Arguments: {@code --exclusions FILE --out-dir DIR --reports-dir DIR --jar JAR [--jar JAR...]}.
 */
public final class GenerateSurefireExcludes {

  private GenerateSurefireExcludes() {}

  public static void main(String[] argv) throws IOException {
    Args args = new Args(argv);
    Path exclusionsFile = args.path("exclusions");
    Path outDir = args.path("out-dir");
    Path reportsDir = args.path("reports-dir");
    List<Path> jars = args.paths("jar");

    ExclusionList exclusions = ExclusionList.parse(exclusionsFile, args.get("backend", ExclusionList.LOCAL_BACKEND));
    TestInventory inventory =
        TestInventory.scan(jars, Thread.currentThread().getContextClassLoader());

    List<String> problems = exclusions.validate(inventory);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Invalid entries in " + exclusionsFile + ":\n  " + String.join("\n  ", problems));
    }
    if (inventory.tests().isEmpty()) {
      throw new IllegalStateException("No ValidatesRunner tests found in " + jars);
    }

    Files.createDirectories(outDir);
    StringBuilder log = new StringBuilder();
    log.append("[vr] ValidatesRunner tests found by reflection (")
        .append(inventory.classesScanned())
        .append(" classes scanned):\n");
    for (Map.Entry<String, Integer> e : inventory.testsPerJar().entrySet()) {
      log.append(String.format("[vr]   %-48s %4d%n", e.getKey(), e.getValue()));
    }
    log.append(String.format("[vr]   %-48s %4d%n", "total", inventory.tests().size()));
    if (!inventory.suiteClasses().isEmpty()) {
      log.append("[vr] ")
          .append(inventory.suiteClasses().size())
          .append(" Enclosed/Suite classes not run directly (their nested classes are): ")
          .append(String.join(", ", inventory.suiteClasses().keySet()))
          .append('\n');
    }
    if (!inventory.loadProblems().isEmpty()) {
      log.append("[vr] WARNING: ")
          .append(inventory.loadProblems().size())
          .append(" classes could not be inspected (see inventory.md)\n");
    }

    for (Mode mode : Mode.values()) {
      Map<TestInventory.TestMethod, ExclusionList.Entry> excluded =
          exclusions.resolve(inventory, mode);
      Path excludesFile = outDir.resolve(mode.id() + "-surefire-excludes.txt");
      writeSurefireExcludes(excludesFile, exclusionsFile, mode, excluded, inventory);
      log.append(
          String.format(
              "[vr] %-9s excluded %4d, to run %4d  -> %s%n",
              mode.id() + ":",
              excluded.size(),
              inventory.tests().size() - excluded.size(),
              excludesFile));
      for (ExclusionList.Entry entry : exclusions.entries()) {
        if (entry.appliesTo(mode)) {
          long first = excluded.values().stream().filter(v -> v == entry).count();
          log.append(
              String.format(
                  "[vr]             %-70s matches %4d (%d not already excluded above)%n",
                  entry.label(), exclusions.countMatches(entry, inventory), first));
        }
      }
      // Stale results of a previous run must not end up in this run's report.
      deleteRecursively(reportsDir.resolve(mode.id()));
    }
    writeInventory(outDir.resolve("inventory.md"), inventory, exclusions);
    System.out.print(log);
  }

  private static void writeSurefireExcludes(
      Path file,
      Path exclusionsFile,
      Mode mode,
      Map<TestInventory.TestMethod, ExclusionList.Entry> excluded,
      TestInventory inventory)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# GENERATED from "
            + exclusionsFile.getFileName()
            + " for mode "
            + mode.id()
            + " by "
            + GenerateSurefireExcludes.class.getName()
            + " - do not edit.");
    // Not exclusions of tests: these classes only re-run nested/listed test classes that surefire
    // already runs directly (its includes cover nested classes), which would run them twice.
    for (Map.Entry<String, String> suite : inventory.suiteClasses().entrySet()) {
      lines.add("# @RunWith(" + suite.getValue() + "): its test classes are run directly");
      lines.add(suite.getKey());
    }
    for (Map.Entry<TestInventory.TestMethod, ExclusionList.Entry> e : excluded.entrySet()) {
      TestInventory.TestMethod t = e.getKey();
      lines.add("# " + e.getValue().label());
      lines.add(t.className() + "#" + t.methodName());
      // Parameterized tests are reported as method[index]; match those too.
      lines.add(t.className() + "#" + t.methodName() + "[*]");
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static void writeInventory(Path file, TestInventory inventory, ExclusionList exclusions)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# ValidatesRunner test inventory\n\n")
        .append("Generated by reflection over the Beam tests jars. Categories are the declared\n")
        .append("`@Category` values of the method, the test class and its superclasses.\n\n");
    md.append("## Tests per jar\n\n| Jar | ValidatesRunner tests |\n|---|---:|\n");
    for (Map.Entry<String, Integer> e : inventory.testsPerJar().entrySet()) {
      md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
    }
    md.append("| **total** | **").append(inventory.tests().size()).append("** |\n\n");

    Map<String, int[]> perCategory = new TreeMap<>();
    for (TestInventory.TestMethod t : inventory.testList()) {
      for (String c : t.categoryNames()) {
        int[] counts = perCategory.computeIfAbsent(c, k -> new int[1 + Mode.values().length]);
        counts[0]++;
        for (Mode mode : Mode.values()) {
          if (exclusions.match(t, mode, inventory) != null) {
            counts[1 + mode.ordinal()]++;
          }
        }
      }
    }
    md.append("## Tests per declared category\n\n| Category | Tests |");
    for (Mode mode : Mode.values()) {
      md.append(" Excluded (").append(mode.id()).append(") |");
    }
    md.append("\n|---|---:|");
    for (int i = 0; i < Mode.values().length; i++) {
      md.append("---:|");
    }
    md.append('\n');
    for (Map.Entry<String, int[]> e : perCategory.entrySet()) {
      md.append("| ").append(shortName(e.getKey()));
      for (int v : e.getValue()) {
        md.append(" | ").append(v);
      }
      md.append(" |\n");
    }

    md.append("\n## Exclusion entries\n\n| Line | Entry | Modes | Tests matched | Reason |\n")
        .append("|---:|---|---|---:|---|\n");
    for (ExclusionList.Entry e : exclusions.entries()) {
      md.append("| ").append(e.line()).append(" | `").append(e.label()).append("` | ");
      List<String> modes = new ArrayList<>();
      e.modes().forEach(m -> modes.add(m.id()));
      md.append(String.join(", ", modes))
          .append(" | ")
          .append(exclusions.countMatches(e, inventory))
          .append(" | ")
          .append(e.reason().replace("|", "\\|"))
          .append(" |\n");
    }

    md.append("\n## All ValidatesRunner tests\n\n| Test | Categories |");
    for (Mode mode : Mode.values()) {
      md.append(' ').append(mode.id()).append(" |");
    }
    md.append("\n|---|---|");
    for (int i = 0; i < Mode.values().length; i++) {
      md.append("---|");
    }
    md.append('\n');
    for (TestInventory.TestMethod t : inventory.testList()) {
      List<String> cats = new ArrayList<>();
      for (String c : t.categoryNames()) {
        cats.add(shortName(c));
      }
      md.append("| `")
          .append(t.id())
          .append("`")
          .append(t.ignored() ? " (@Ignore)" : "")
          .append(" | ")
          .append(String.join(", ", cats))
          .append(" |");
      for (Mode mode : Mode.values()) {
        ExclusionList.Entry e = exclusions.match(t, mode, inventory);
        md.append(' ').append(e == null ? "run" : "excluded by line " + e.line()).append(" |");
      }
      md.append('\n');
    }

    if (!inventory.nestedInCategorizedClass().isEmpty()) {
      md.append("\n## Nested test classes inside a class with @Category\n\n")
          .append("JUnit and surefire do not apply the enclosing class's categories.\n\n");
      inventory
          .nestedInCategorizedClass()
          .forEach((k, v) -> md.append("- `").append(k).append("` in `").append(v).append("`\n"));
    }
    if (!inventory.suiteClasses().isEmpty()) {
      md.append("\n## Enclosed/Suite classes\n\n")
          .append("Excluded from the surefire scan because surefire runs their test classes")
          .append(" directly; otherwise those tests would run twice.\n\n");
      inventory
          .suiteClasses()
          .forEach((k, v) -> md.append("- `").append(k).append("` (").append(v).append(")\n"));
    }
    if (!inventory.loadProblems().isEmpty()) {
      md.append("\n## Classes that could not be inspected\n\n");
      inventory
          .loadProblems()
          .forEach((k, v) -> md.append("- `").append(k).append("`: ").append(v).append('\n'));
    }
    Files.write(file, md.toString().getBytes(StandardCharsets.UTF_8));
  }

  static String shortName(String className) {
    return className.startsWith("org.apache.beam.sdk.testing.")
        ? className.substring("org.apache.beam.sdk.testing.".length())
        : className;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
