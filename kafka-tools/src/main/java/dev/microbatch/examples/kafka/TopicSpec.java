package dev.microbatch.examples.kafka;

/**
 * A topic to create and its partition count, written {@code name} or {@code name:partitions} on a
 * command line.
 */
record TopicSpec(String name, int partitions) {

  TopicSpec {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("A topic needs a name");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Topic " + name + " needs at least one partition, not " + partitions);
    }
  }

  /** {@code name} (one partition) or {@code name:partitions}. */
  static TopicSpec parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return new TopicSpec(text, 1);
    }
    String count = text.substring(colon + 1);
    try {
      return new TopicSpec(text.substring(0, colon), Integer.parseInt(count));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Not a partition count in '" + text + "': '" + count + "'", e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + partitions + (partitions == 1 ? " partition)" : " partitions)");
  }
}
