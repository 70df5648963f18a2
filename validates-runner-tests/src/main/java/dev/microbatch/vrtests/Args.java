package dev.microbatch.vrtests;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --key value} command-line parsing; a key may be repeated. */
final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (!key.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Expected '--key value' pairs, got: " + String.join(" ", args));
      }
      values.computeIfAbsent(key.substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
  }

  String get(String key) {
    List<String> v = values.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("Missing argument --" + key);
    }
    return v.get(v.size() - 1);
  }

  String get(String key, String defaultValue) {
    List<String> v = values.get(key);
    return v == null || v.isEmpty() ? defaultValue : v.get(v.size() - 1);
  }

  /** True if the flag's value is "true" or empty (Maven's -Dflag without value yields "true"). */
  boolean flag(String key) {
    String v = get(key, "false").trim();
    return v.equalsIgnoreCase("true");
  }

  Path path(String key) {
    return Paths.get(get(key));
  }

  List<Path> paths(String key) {
    List<Path> result = new ArrayList<>();
    for (String v : values.getOrDefault(key, List.of())) {
      result.add(Paths.get(v));
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("Missing argument --" + key);
    }
    return result;
  }
}
