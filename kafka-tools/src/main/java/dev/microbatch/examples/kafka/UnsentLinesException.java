package dev.microbatch.examples.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Lines that could not be sent, with how many, the first of them and why. */
final class UnsentLinesException extends RuntimeException {

  private final int unsent;

  UnsentLinesException(
      String topic, List<String> lines, Optional<Duration> triedFor, Throwable cause) {
    super(
        lines.size()
            + " line(s) NOT sent to topic '"
            + topic
            + "'"
            + triedFor.map(d -> " after trying for " + d.toSeconds() + " s").orElse("")
            + ", the first: '"
            + lines.get(0)
            + "'; cause: "
            + cause,
        cause);
    this.unsent = lines.size();
  }

  int unsent() {
    return unsent;
  }
}
