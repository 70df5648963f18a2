package dev.microbatch.runner.status;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the REST API serves of one run: its batches as JSON (the shapes of {@link BatchJson}) and
 * its totals. A live run answers from its batch history, a finished or crashed one from its event
 * log, so both look the same.
 */
interface StatusSource {

  StatusServer.RunInfo run();

  /** How the run stands: RUNNING, DONE, FAILED, CANCELLED, or INCOMPLETE for a log without end. */
  String state();

  /** The running batch, if any, then the retained ended batches, newest first, as summaries. */
  List<Map<String, Object>> batches();

  /** One batch in detail, by its batch time in ms. */
  Optional<Map<String, Object>> batch(long batchId);

  BatchHistory.Totals totals();

  /** The pipeline's Beam metrics (see {@link MetricsJson}): live, or as the run ended. */
  List<Map<String, Object>> metrics();
}
