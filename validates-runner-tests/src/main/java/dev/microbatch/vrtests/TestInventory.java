package dev.microbatch.vrtests;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds the JUnit 4 {@code ValidatesRunner} tests in a set of test jars by reflection.
 *
 * <p>Test methods are found like JUnit's {@code TestClass}: methods annotated {@code @Test} in the
 * class and its superclasses, a subclass method shadowing a superclass method of the same name. The
 * categories of a test are computed like surefire's {@code GroupMatcherCategoryFilter}: the
 * method's {@code @Category} plus the {@code @Category} of the test class and of every superclass.
 * The enclosing class of a nested test class does not contribute (neither JUnit nor surefire look
 * at it). A test is a ValidatesRunner test if one of its categories is {@code ValidatesRunner} or a
 * sub-interface of it.
 *
 * <p>Classes are loaded without being initialized, so no test code runs.
 */
public final class TestInventory {

  public static final String VALIDATES_RUNNER = "org.apache.beam.sdk.testing.ValidatesRunner";
  private static final String TEST = "org.junit.Test";
  private static final String IGNORE = "org.junit.Ignore";
  private static final String CATEGORY = "org.junit.experimental.categories.Category";
  private static final String RUN_WITH = "org.junit.runner.RunWith";

  /** One test method of one concrete test class. */
  public static final class TestMethod {
    private final String jar;
    private final Class<?> testClass;
    private final String methodName;
    private final Set<Class<?>> categories;
    private final boolean ignored;
    private final String runner;

    TestMethod(
        String jar,
        Class<?> testClass,
        String methodName,
        Set<Class<?>> categories,
        boolean ignored,
        String runner) {
      this.jar = jar;
      this.testClass = testClass;
      this.methodName = methodName;
      this.categories = Collections.unmodifiableSet(categories);
      this.ignored = ignored;
      this.runner = runner;
    }

    /** File name of the jar the test class came from. */
    public String jar() {
      return jar;
    }

    public Class<?> testClass() {
      return testClass;
    }

    /** Binary class name, nested classes with '$' (as in surefire reports). */
    public String className() {
      return testClass.getName();
    }

    public String methodName() {
      return methodName;
    }

    /** {@code Class#method}. */
    public String id() {
      return className() + "#" + methodName;
    }

    /** Categories as declared (not expanded to super-interfaces). */
    public Set<Class<?>> categories() {
      return categories;
    }

    /** Declared category names, sorted. */
    public List<String> categoryNames() {
      List<String> names = new ArrayList<>();
      for (Class<?> c : categories) {
        names.add(c.getName());
      }
      Collections.sort(names);
      return names;
    }

    /** True if one of the categories is {@code category} or a sub-interface of it. */
    public boolean hasCategory(Class<?> category) {
      for (Class<?> c : categories) {
        if (category.isAssignableFrom(c)) {
          return true;
        }
      }
      return false;
    }

    /** Method or class annotated {@code @Ignore}. */
    public boolean ignored() {
      return ignored;
    }

    /** Value of {@code @RunWith} on the class, or null. */
    public String runner() {
      return runner;
    }

    @Override
    public String toString() {
      return id();
    }
  }

  private final ClassLoader loader;
  private final Class<?> validatesRunner;
  private final Map<String, TestMethod> tests = new LinkedHashMap<>();
  private final Map<String, Integer> testsPerJar = new TreeMap<>();
  private final Map<String, String> loadProblems = new TreeMap<>();
  private final Map<String, String> nestedInCategorizedClass = new TreeMap<>();
  private final Map<String, String> suiteClasses = new TreeMap<>();
  private int classesScanned;

  private TestInventory(ClassLoader loader) throws ClassNotFoundException {
    this.loader = loader;
    this.validatesRunner = Class.forName(VALIDATES_RUNNER, false, loader);
  }

  /**
   * Scans the given jars. The classes are loaded through {@code loader}, which must see the jars
   * and their dependencies (JUnit, Beam).
   */
  public static TestInventory scan(List<Path> jars, ClassLoader loader) throws IOException {
    TestInventory inv;
    try {
      inv = new TestInventory(loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(VALIDATES_RUNNER + " is not on the class path", e);
    }
    for (Path jar : jars) {
      inv.scanJar(jar);
    }
    return inv;
  }

  private void scanJar(Path jar) throws IOException {
    String jarName = jar.getFileName().toString();
    List<String> classNames = new ArrayList<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = jf.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (name.endsWith(".class")
            && !name.contains("/repackaged/") // shaded third-party code, never tests
            && !name.endsWith("module-info.class")
            && !name.endsWith("package-info.class")) {
          classNames.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
        }
      }
    }
    Collections.sort(classNames);
    int before = tests.size();
    for (String className : classNames) {
      classesScanned++;
      try {
        scanClass(jarName, className);
      } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
        loadProblems.put(className, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    testsPerJar.put(jarName, tests.size() - before);
  }

  private void scanClass(String jarName, String className) throws ReflectiveOperationException {
    Class<?> cls = Class.forName(className, false, loader);
    int mods = cls.getModifiers();
    if (cls.isInterface()
        || cls.isAnnotation()
        || cls.isEnum()
        || Modifier.isAbstract(mods)
        || !Modifier.isPublic(mods)
        || cls.isAnonymousClass()
        || cls.isLocalClass()
        || (cls.isMemberClass() && !Modifier.isStatic(mods))) {
      return; // JUnit 4 cannot run these
    }

    Annotation runWith = annotation(cls.getAnnotations(), RUN_WITH);
    Class<?> runnerClass = runWith == null ? null : (Class<?>) value(runWith);
    if (runnerClass != null && isSuiteRunner(runnerClass)) {
      // e.g. GroupByKeyTest is @RunWith(Enclosed.class): it re-runs its nested test classes.
      suiteClasses.put(cls.getName(), runnerClass.getName());
      return;
    }

    // Collect @Test methods like JUnit's TestClass: subclass first, shadowing by name.
    Map<String, Method> testMethods = new LinkedHashMap<>();
    for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (annotation(m.getDeclaredAnnotations(), TEST) != null
            && !testMethods.containsKey(m.getName())) {
          testMethods.put(m.getName(), m);
        }
      }
    }
    if (testMethods.isEmpty()) {
      return;
    }

    // Class-level categories: the class and all its superclasses (surefire semantics).
    Set<Class<?>> classCategories = new LinkedHashSet<>();
    boolean classIgnored = false;
    for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
      Collections.addAll(classCategories, categoryValues(c.getDeclaredAnnotations()));
      classIgnored |= annotation(c.getDeclaredAnnotations(), IGNORE) != null;
    }
    String runner = runnerClass == null ? null : runnerClass.getName();

    for (Method m : testMethods.values()) {
      Set<Class<?>> categories = new LinkedHashSet<>();
      Collections.addAll(categories, categoryValues(m.getDeclaredAnnotations()));
      categories.addAll(classCategories);
      boolean vr = false;
      for (Class<?> c : categories) {
        vr |= validatesRunner.isAssignableFrom(c);
      }
      if (!vr) {
        continue;
      }
      boolean ignored = classIgnored || annotation(m.getDeclaredAnnotations(), IGNORE) != null;
      TestMethod t = new TestMethod(jarName, cls, m.getName(), categories, ignored, runner);
      tests.put(t.id(), t);
      // Record nested test classes whose enclosing class carries @Category: JUnit ignores it.
      for (Class<?> outer = cls.getEnclosingClass();
          outer != null;
          outer = outer.getEnclosingClass()) {
        Class<?>[] outerCats = categoryValues(outer.getDeclaredAnnotations());
        if (outerCats.length > 0) {
          nestedInCategorizedClass.put(cls.getName(), outer.getName());
        }
      }
    }
  }

  /** {@code Enclosed} (or a subclass) or plain {@code Suite}: runners that run other classes. */
  private static boolean isSuiteRunner(Class<?> runner) {
    if (runner.getName().equals("org.junit.runners.Suite")) {
      return true;
    }
    for (Class<?> c = runner; c != null; c = c.getSuperclass()) {
      if (c.getName().equals("org.junit.experimental.runners.Enclosed")) {
        return true;
      }
    }
    return false;
  }

  private static Annotation annotation(Annotation[] annotations, String type) {
    for (Annotation a : annotations) {
      if (a.annotationType().getName().equals(type)) {
        return a;
      }
    }
    return null;
  }

  private static Class<?>[] categoryValues(Annotation[] annotations)
      throws ReflectiveOperationException {
    Annotation cat = annotation(annotations, CATEGORY);
    return cat == null ? new Class<?>[0] : (Class<?>[]) value(cat);
  }

  private static Object value(Annotation a) throws ReflectiveOperationException {
    Method value = a.annotationType().getMethod("value");
    value.setAccessible(true);
    return value.invoke(a);
  }

  /** Loads a class (typically a category interface) through the scanning class loader. */
  public Class<?> loadClass(String name) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  /** All ValidatesRunner tests, keyed by {@code Class#method}, sorted. */
  public Map<String, TestMethod> tests() {
    Map<String, TestMethod> sorted = new TreeMap<>(tests);
    return Collections.unmodifiableMap(sorted);
  }

  /** ValidatesRunner tests, sorted by id. */
  public List<TestMethod> testList() {
    List<TestMethod> list = new ArrayList<>(tests.values());
    list.sort(Comparator.comparing(TestMethod::id));
    return list;
  }

  public TestMethod get(String className, String methodName) {
    return tests.get(className + "#" + methodName);
  }

  /** Number of ValidatesRunner tests found per jar file name. */
  public Map<String, Integer> testsPerJar() {
    return Collections.unmodifiableMap(testsPerJar);
  }

  /** Classes that could not be loaded or inspected, with the error. */
  public Map<String, String> loadProblems() {
    return Collections.unmodifiableMap(loadProblems);
  }

  /** Nested VR test classes whose enclosing class has a @Category that JUnit does not apply. */
  public Map<String, String> nestedInCategorizedClass() {
    return Collections.unmodifiableMap(nestedInCategorizedClass);
  }

  /**
   * Classes run with {@code @RunWith(Enclosed.class)} or {@code @RunWith(Suite.class)}, with the
   * runner name. They only re-run other test classes, which surefire already runs directly.
   */
  public Map<String, String> suiteClasses() {
    return Collections.unmodifiableMap(suiteClasses);
  }

  public int classesScanned() {
    return classesScanned;
  }
}
