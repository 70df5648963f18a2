package dev.microbatch.sparkstreaming;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The application's {@code --name=value} arguments over their defaults; an unknown name or a
 * missing value fails at once, naming it.
 */
final class Arguments {

  private static final Map<String, String> DEFAULTS =
      Map.of(
          "bootstrapServers", "127.0.0.1:9092",
          "inputTopic", "lines",
          "outputTopic", "word-counts",
          "windowSeconds", "10",
          "groupId", "spark-streaming-word-count",
          "batchIntervalMillis", "500",
          "readCommitted", "false",
          "checkpointDir", "",
          "batchLog", "");

  private final Map<String, String> values;

  private Arguments(Map<String, String> values) {
    this.values = values;
  }

  static Arguments parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      String name = arg.startsWith("--") && equals > 2 ? arg.substring(2, equals) : null;
      if (name == null || !DEFAULTS.containsKey(name)) {
        throw new IllegalArgumentException(
            "Unknown argument " + arg + "; the arguments are --NAME=VALUE with NAME in "
                + DEFAULTS.keySet());
      }
      values.put(name, arg.substring(equals + 1));
    }
    return new Arguments(values);
  }

  String value(String name) {
    return values.get(name);
  }

  String required(String name) {
    String value = values.get(name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  long longValue(String name) {
    try {
      return Long.parseLong(values.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, not " + value(name), e);
    }
  }
}
