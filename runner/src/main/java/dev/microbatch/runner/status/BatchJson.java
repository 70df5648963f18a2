package dev.microbatch.runner.status;

import dev.microbatch.runner.scheduler.BatchDetails;
import dev.microbatch.runner.scheduler.BatchInfo;
import dev.microbatch.runner.scheduler.WatermarkText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch as JSON: the fields of Spark's streaming REST API where they mean the same ({@code
 * batchId}, {@code batchTime}, {@code status}, {@code inputSize}, delays and times in ms), and this
 * runner's details (slices, stages, watermarks, attempts, failure). One shape serves the REST API
 * and the event log, so a history read from the log looks like the live API.
 */
final class BatchJson {

  /** The fields a batch in detail has beyond its summary. */
  static final List<String> DETAIL_FIELDS =
      List.of("slices", "stages", "transactions", "watermarks", "failure");

  private BatchJson() {}

  /** The run itself, as the list of applications shows it and the event log's first line has it. */
  static Map<String, Object> application(StatusServer.RunInfo run) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", run.id());
    json.put("name", run.name());
    json.put("startTime", run.startTimeMillis());
    json.put("batchDuration", run.batchIntervalMillis());
    json.put("streaming", run.streaming());
    json.put("options", run.options());
    json.put("graph", run.graph());
    json.put("restored", run.restored());
    return json;
  }

  /** The run read back from {@link #application}'s fields. */
  static StatusServer.RunInfo run(Map<String, Object> json) {
    return new StatusServer.RunInfo(
        String.valueOf(json.get("id")),
        String.valueOf(json.get("name")),
        ((Number) json.get("startTime")).longValue(),
        ((Number) json.get("batchDuration")).longValue(),
        Boolean.TRUE.equals(json.get("streaming")),
        json.get("options") instanceof Map<?, ?> options ? stringKeys(options) : Map.of(),
        json.get("graph") instanceof Map<?, ?> graph ? stringKeys(graph) : Map.of(),
        json.get("restored") instanceof Map<?, ?> restored ? stringKeys(restored) : Map.of());
  }

  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((key, value) -> copy.put(String.valueOf(key), value == null ? "" : value));
    return copy;
  }

  /** The batch's summary, as in a list of batches. */
  static Map<String, Object> summary(BatchInfo batch, String status) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("batchId", batch.batchTime().millis());
    json.put("batchTime", batch.batchTime().toInstant().toString());
    json.put("status", status);
    json.put("inputSize", batch.totalRecordsIn());
    json.put("recordsIn", batch.recordsIn());
    json.put("submissionTime", batch.submissionTimeMillis());
    batch.processingStartMillis().ifPresent(start -> json.put("processingStartTime", start));
    batch.processingEndMillis().ifPresent(end -> json.put("processingEndTime", end));
    batch.schedulingDelayMillis().ifPresent(delay -> json.put("schedulingDelay", delay));
    batch.processingTimeMillis().ifPresent(time -> json.put("processingTime", time));
    batch
        .schedulingDelayMillis()
        .flatMap(delay -> batch.processingTimeMillis().map(time -> delay + time))
        .ifPresent(total -> json.put("totalDelay", total));
    batch.outputWatermark().ifPresent(w -> json.put("outputWatermark", WatermarkText.of(w)));
    json.put("attempts", batch.details().attempts());
    batch
        .details()
        .checkpoint()
        .ifPresent(
            checkpoint -> {
              json.put("checkpointBytes", checkpoint.bytes());
              json.put("checkpointTime", checkpoint.millis());
            });
    return json;
  }

  /**
   * The summary and everything the batch did: slices, stages, sink transactions, watermarks, the
   * failure.
   */
  static Map<String, Object> detailed(BatchInfo batch, String status) {
    Map<String, Object> json = summary(batch, status);
    BatchDetails details = batch.details();
    List<Map<String, Object>> slices = new ArrayList<>();
    for (BatchDetails.SliceInfo slice : details.slices()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("input", slice.input());
      s.put("partition", slice.partition());
      s.put("fromOffset", slice.from());
      s.put("untilOffset", slice.until());
      s.put("endOffset", slice.end());
      s.put("lag", slice.lag());
      s.put("bound", slice.bound());
      slices.add(s);
    }
    json.put("slices", slices);
    List<Map<String, Object>> stages = new ArrayList<>();
    for (BatchDetails.StageInfo stage : details.stages()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("stage", stage.stage());
      s.put("tasks", stage.tasks());
      s.put("recordsIn", stage.recordsIn());
      s.put("taskTime", stage.taskMillis());
      s.put("slowestTaskTime", stage.slowestTaskMillis());
      s.put("outputWatermark", WatermarkText.of(stage.outputWatermark()));
      stages.add(s);
    }
    json.put("stages", stages);
    List<Map<String, Object>> transactions = new ArrayList<>();
    for (BatchDetails.TransactionInfo transaction : details.transactions()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("sink", transaction.sink());
      t.put("target", transaction.target());
      t.put("records", transaction.records());
      t.put("outcome", transaction.outcome().name());
      t.put("commitTime", transaction.commitMillis());
      transactions.add(t);
    }
    json.put("transactions", transactions);
    Map<String, Object> watermarks = new LinkedHashMap<>();
    details.watermarks().forEach((stream, w) -> watermarks.put(stream, WatermarkText.of(w)));
    json.put("watermarks", watermarks);
    details.failure().ifPresent(failure -> json.put("failure", failure));
    return json;
  }

}
