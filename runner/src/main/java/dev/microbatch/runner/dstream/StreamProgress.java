package dev.microbatch.runner.dstream;

import dev.microbatch.runner.scheduler.BatchTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * How far each stream of one run had got when its last batch committed: its output watermark, and
 * whether it holds work for a later batch. It belongs to the run, not to the streams, so that a
 * retry or a resumed run can put it back and a graph can be run again.
 */
public final class StreamProgress {

  private final Map<DStream<?>, Instant> watermarks = new ConcurrentHashMap<>();
  private final Set<DStream<?>> holdingWork = ConcurrentHashMap.newKeySet();
  private volatile Optional<BatchTime> lastCommitted = Optional.empty();

  /**
   * The last committed batch (empty before the first): keyed state a task opens is that batch's
   * version, whatever the current batch's earlier, failed attempts left.
   */
  public Optional<BatchTime> lastCommittedBatch() {
    return lastCommitted;
  }

  /** The stream's output watermark after the last committed batch; the start of time before. */
  public Instant lastOutputWatermark(DStream<?> stream) {
    return watermarks.getOrDefault(stream, BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /** True while some stream keeps timers or elements that a later batch must see. */
  public boolean holdsPendingWork() {
    return !holdingWork.isEmpty();
  }

  /** Records what a committed batch computed. */
  void record(BatchTime committed, Map<DStream<?>, BatchResult<?>> results) {
    lastCommitted = Optional.of(committed);
    results.forEach(
        (stream, result) -> {
          watermarks.put(stream, result.outputWatermark());
          if (result.holdsPendingWork()) {
            holdingWork.add(stream);
          } else {
            holdingWork.remove(stream);
          }
        });
  }

  /** Each stream's watermark by stream id, for a checkpoint. */
  public Map<String, Long> watermarksById(DStreamGraph graph) {
    Map<String, Long> byId = new LinkedHashMap<>();
    graph.streamsById().forEach((id, stream) -> byId.put(id, lastOutputWatermark(stream).getMillis()));
    return byId;
  }

  /**
   * Back to a checkpoint: the batch it committed and its watermarks (by stream id; a stream it does
   * not name starts over). What streams held is found again by the first batch that runs.
   */
  public void restore(
      Optional<BatchTime> committed, DStreamGraph graph, Map<String, Instant> byId) {
    lastCommitted = committed;
    watermarks.clear();
    holdingWork.clear();
    graph
        .streamsById()
        .forEach(
            (id, stream) -> {
              Instant watermark = byId.get(id);
              if (watermark != null) {
                watermarks.put(stream, watermark);
              }
            });
  }
}
