package dev.microbatch.runner.status;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting for conditions and running the outside tools (browser, Prometheus) specs use. */
public final class Tools {

  private Tools() {}

  /** Polls {@code condition} until it holds, failing once {@code timeout} has passed. */
  public static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the condition until its deadline
    }
  }

  /** Runs a command to its end (or the timeout) and returns what it printed; it must exit 0. */
  public static String run(Duration timeout, String... command) throws Exception {
    // Standard error goes to a file: a browser writes a lot there, and a full pipe would stall it.
    Path errors = Files.createTempFile("status-spec", ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(errors.toFile()))
            .start();
    try {
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("Timed out: " + String.join(" ", command));
      }
      assertEquals(
          "exit of " + String.join(" ", command) + "\n" + Files.readString(errors),
          0,
          process.exitValue());
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(errors);
    }
  }

  /** The path of a tool, installed from Debian's package by the project's script when missing. */
  public static String tool(String debianPackage, String... commands) throws Exception {
    String[] command = new String[3 + commands.length];
    command[0] = "bash";
    command[1] = "../scripts/ensure-tool.sh";
    command[2] = debianPackage;
    System.arraycopy(commands, 0, command, 3, commands.length);
    return run(Duration.ofMinutes(15), command).trim();
  }
}
