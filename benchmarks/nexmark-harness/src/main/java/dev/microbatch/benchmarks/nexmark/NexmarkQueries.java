package dev.microbatch.benchmarks.nexmark;

import java.util.List;
import java.util.Set;

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
   * Queries whose result count depends on how a runner bundles elements into panes, so that it
   * differs between correct runners: q6 fires a pane whenever one holds at least one element
   * ({@code Repeatedly.forever(AfterPane.elementCountAtLeast(1))}), so larger bundles make fewer
   * panes; q10's panes fire on element counts or processing time.
   */
  private static final Set<Integer> PANE_DEPENDENT = Set.of(6, 10);

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

  static boolean resultCountDependsOnPanes(int query) {
    return PANE_DEPENDENT.contains(query);
  }
}
