package dev.microbatch.vrtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed {@code exclusions.txt}: the single list of excluded ValidatesRunner tests.
 *
 * <p>Line format: {@code <target> | <modes> | <reason>}; blank lines and lines starting with {@code
 * #} are ignored. A target is {@code category:<CategoryInterface>}, {@code <TestClass>} or {@code
 * <TestClass>#<method>}; modes is {@code all} or a comma-separated list of {@code batch} and {@code
 * streaming}, each optionally qualified by a backend ({@code spark:all}, {@code spark:batch}) for an
 * exclusion that applies on that backend only; the reason is required.
 */
public final class ExclusionList {

  /** Kind of an exclusion target. */
  public enum Kind {
    CATEGORY,
    CLASS,
    METHOD
  }

  /** One line of the file. */
  public static final class Entry {
    private final int line;
    private final Kind kind;
    private final String target;
    private final Set<Mode> modes;
    private final String reason;

    Entry(int line, Kind kind, String target, Set<Mode> modes, String reason) {
      this.line = line;
      this.kind = kind;
      this.target = target;
      this.modes = Collections.unmodifiableSet(modes);
      this.reason = reason;
    }

    public int line() {
      return line;
    }

    public Kind kind() {
      return kind;
    }

    /** Category or class name, or {@code Class#method}. */
    public String target() {
      return target;
    }

    public Set<Mode> modes() {
      return modes;
    }

    public String reason() {
      return reason;
    }

    public boolean appliesTo(Mode mode) {
      return modes.contains(mode);
    }

    /** The entry as written in the file (without the reason). */
    public String label() {
      return kind == Kind.CATEGORY ? "category:" + target : target;
    }

    @Override
    public String toString() {
      return label() + " (line " + line + ")";
    }
  }

  private final Path file;
  private final List<Entry> entries;

  private ExclusionList(Path file, List<Entry> entries) {
    this.file = file;
    this.entries = Collections.unmodifiableList(entries);
  }

  /** Parses the file; throws {@link IllegalArgumentException} naming the line on any error. */
  public static ExclusionList parse(Path file) throws IOException {
    return parse(file, LOCAL_BACKEND);
  }

  /** The backend a run uses when no other is named: the runner's own thread pool. */
  public static final String LOCAL_BACKEND = "local";

  /**
   * Parses the file, keeping the entries for every backend and those qualified with {@code
   * backend}; throws {@link IllegalArgumentException} naming the line on any error.
   */
  public static ExclusionList parse(Path file, String backend) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Entry> entries = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\|", 3);
      if (parts.length != 3) {
        throw error(file, lineNo, "expected '<target> | <modes> | <reason>'");
      }
      String target = parts[0].trim();
      String reason = parts[2].trim();
      if (reason.isEmpty()) {
        throw error(file, lineNo, "a reason is required");
      }
      Set<Mode> modes = EnumSet.noneOf(Mode.class);
      String entryBackend = null;
      for (String token : parts[1].split(",")) {
        String m = token.trim();
        String qualifier = LOCAL_BACKEND;
        int colon = m.indexOf(':');
        if (colon >= 0) {
          qualifier = m.substring(0, colon).trim();
          m = m.substring(colon + 1).trim();
        }
        if (entryBackend != null && !entryBackend.equals(qualifier)) {
          throw error(file, lineNo, "one entry cannot mix backends");
        }
        entryBackend = qualifier;
        if (m.equalsIgnoreCase("all")) {
          modes.addAll(EnumSet.allOf(Mode.class));
        } else {
          try {
            modes.add(Mode.parse(m));
          } catch (IllegalArgumentException e) {
            throw error(file, lineNo, e.getMessage());
          }
        }
      }
      Kind kind;
      if (target.startsWith("category:")) {
        kind = Kind.CATEGORY;
        target = target.substring("category:".length()).trim();
      } else if (target.contains("#")) {
        kind = Kind.METHOD;
      } else {
        kind = Kind.CLASS;
      }
      if (!target.matches("[\\w.$]+(#[\\w$]+)?")
          || (kind == Kind.CATEGORY && target.contains("#"))) {
        throw error(file, lineNo, "malformed target '" + target + "'");
      }
      String key = entryBackend + ":" + kind + ":" + target;
      for (Mode mode : modes) {
        Integer previous = seen.put(key + "@" + mode, lineNo);
        if (previous != null) {
          throw error(file, lineNo, "duplicate of line " + previous + " for mode " + mode.id());
        }
      }
      // An unqualified entry applies on every backend; a qualified one on its own only.
      if (entryBackend.equals(LOCAL_BACKEND) || entryBackend.equals(backend)) {
        entries.add(new Entry(lineNo, kind, target, modes, reason));
      }
    }
    return new ExclusionList(file, entries);
  }

  private static IllegalArgumentException error(Path file, int line, String msg) {
    return new IllegalArgumentException(file + ":" + line + ": " + msg);
  }

  public Path file() {
    return file;
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * The first entry (in file order) excluding {@code test} in {@code mode}, or null. Category
   * entries match sub-interfaces too, like JUnit's and surefire's category filters.
   */
  public Entry match(TestInventory.TestMethod test, Mode mode, TestInventory inventory) {
    for (Entry e : entries) {
      if (e.appliesTo(mode) && matches(e, test, inventory)) {
        return e;
      }
    }
    return null;
  }

  private static boolean matches(Entry e, TestInventory.TestMethod test, TestInventory inventory) {
    switch (e.kind()) {
      case METHOD:
        return e.target().equals(test.id());
      case CLASS:
        return e.target().equals(test.className());
      case CATEGORY:
        try {
          return test.hasCategory(inventory.loadClass(e.target()));
        } catch (ClassNotFoundException ex) {
          throw new IllegalArgumentException(
              "Unknown category " + e.target() + " at line " + e.line(), ex);
        }
      default:
        throw new AssertionError(e.kind());
    }
  }

  /**
   * Resolves all entries for {@code mode}: returns each excluded test with the entry that excludes
   * it (first matching entry wins), in test-id order.
   */
  public Map<TestInventory.TestMethod, Entry> resolve(TestInventory inventory, Mode mode) {
    Map<TestInventory.TestMethod, Entry> result = new LinkedHashMap<>();
    for (TestInventory.TestMethod t : inventory.testList()) {
      Entry e = match(t, mode, inventory);
      if (e != null) {
        result.put(t, e);
      }
    }
    return result;
  }

  /**
   * Checks every entry against the inventory. Returns problems: class/method entries that match no
   * ValidatesRunner test, categories that do not exist. Categories that exist but match no test are
   * not problems (they state policy); {@link #countMatches} reports them.
   */
  public List<String> validate(TestInventory inventory) {
    List<String> problems = new ArrayList<>();
    for (Entry e : entries) {
      if (e.kind() == Kind.CATEGORY) {
        try {
          inventory.loadClass(e.target());
        } catch (ClassNotFoundException ex) {
          problems.add(file + ":" + e.line() + ": category " + e.target() + " does not exist");
        }
      } else if (countMatches(e, inventory) == 0) {
        problems.add(
            file
                + ":"
                + e.line()
                + ": "
                + e.target()
                + " matches no ValidatesRunner test in the"
                + " scanned jars (typo, renamed test, or not a ValidatesRunner test?)");
      }
    }
    return problems;
  }

  /** Number of ValidatesRunner tests the entry matches, regardless of mode and of other entries. */
  public int countMatches(Entry e, TestInventory inventory) {
    int n = 0;
    for (TestInventory.TestMethod t : inventory.testList()) {
      if (matches(e, t, inventory)) {
        n++;
      }
    }
    return n;
  }
}
