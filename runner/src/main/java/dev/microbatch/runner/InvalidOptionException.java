package dev.microbatch.runner;

/** An option has a value the runner cannot run with; the message names the option. */
public final class InvalidOptionException extends IllegalArgumentException {

  private final String option;

  public InvalidOptionException(String option, Object value, String requirement) {
    super("Invalid value for --" + option + ": " + value + " (" + requirement + ")");
    this.option = option;
  }

  public String option() {
    return option;
  }
}
