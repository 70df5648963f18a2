package dev.microbatch.benchmarks.nexmark;

import java.util.List;
import java.util.Map;

/** What the harness knows of Nexmark's queries (as in Beam 2.60.0's {@code NexmarkQueryName}). */
final class NexmarkQueries {

  /** Query names by number: 0-12 are the Nexmark queries, 13-16 Beam's additions. */
  private static final List<String> NAMES =
      List.of(
          "PASSTHROUGH",
          "CURRENCY_CONVERSION",
          "SELECTION",
          "LOCAL_ITEM_SUGGESTION",
          "AVERAGE_PRICE_FOR_CATEGORY",
          "HOT_ITEMS",
          "AVERAGE_SELLING_PRICE_BY_SELLER",
          "HIGHEST_BID",
          "MONITOR_NEW_USERS",
          "WINNING_BIDS",
          "LOG_TO_SHARDED_FILES",
          "USER_SESSIONS",
          "PROCESSING_TIME_WINDOWS",
          "BOUNDED_SIDE_INPUT_JOIN",
          "SESSION_SIDE_INPUT_JOIN",
          "PORTABILITY_BATCH",
          "RESHUFFLE");

  /**
   * Queries whose result count differs between correct runners, and why: their triggers fire on
   * how elements arrive, not on event time alone.
   */
  private static final Map<Integer, String> COUNT_DEPENDS_ON =
      Map.of(
          // Repeatedly.forever(AfterPane.elementCountAtLeast(1)) in the global window: a pane
          // whenever one holds an element, so larger bundles make fewer panes.
          6, "bundling into panes",
          // Panes fire on element counts or processing time.
          10, "bundling into panes and processing time",
          // Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(10 s)) in
          // the global window: a pane per bidder every 10 s of processing time, so a run that
          // takes longer makes more.
          12, "processing time (a pane per bidder every 10 s: a longer run makes more)");

  private NexmarkQueries() {}

  static int count() {
    return NAMES.size();
  }

  static String name(int query) {
    return NAMES.get(query);
  }

  /** The number of the query with Nexmark's name {@code name}. */
  static int number(String name) {
    int query = NAMES.indexOf(name);
    if (query < 0) {
      throw new IllegalArgumentException("Unknown Nexmark query name " + name);
    }
    return query;
  }

  /** Why the result count of {@code query} may differ between correct runners, or null. */
  static String resultCountDependsOn(int query) {
    return COUNT_DEPENDS_ON.get(query);
  }
}
