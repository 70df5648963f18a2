/**
 * Build-time harness that runs Apache Beam's own {@code ValidatesRunner} test suite against
 * MicroBatchRunner.
 *
 * <ul>
 *   <li>{@link dev.microbatch.vrtests.TestInventory} finds every {@code ValidatesRunner} test in
 *       the Beam tests jars by reflection and computes its JUnit categories the way surefire does.
 *   <li>{@link dev.microbatch.vrtests.ExclusionList} parses {@code exclusions.txt}, the single
 *       source of excluded tests.
 *   <li>{@link dev.microbatch.vrtests.GenerateSurefireExcludes} turns the exclusion list into the
 *       surefire {@code excludesFile} of each mode (run before the {@code test} phase).
 *   <li>{@link dev.microbatch.vrtests.ValidatesRunnerReport} reads the surefire XML reports, writes
 *       {@code target/validates-runner-report.md} and fails the build if a non-excluded test
 *       failed.
 *   <li>{@link dev.microbatch.vrtests.ForkWatchdog} is a JUnit listener inside the surefire fork
 *       that halts the fork if the whole run exceeds its time limit.
 * </ul>
 *
 * <p>Apart from the watchdog (JUnit, {@code provided} scope) these classes have no compile-time
 * dependency on JUnit or Beam: they only see the test jars through the class loader they run in
 * (exec-maven-plugin with the test class path).
 */
package dev.microbatch.vrtests;
