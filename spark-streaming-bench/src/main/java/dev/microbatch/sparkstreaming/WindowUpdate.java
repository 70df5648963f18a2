package dev.microbatch.sparkstreaming;

import java.io.Serializable;
import org.apache.spark.HashPartitioner;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.dstream.DStream;
import org.apache.spark.streaming.dstream.PairDStreamFunctions;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.Seq;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction4;

/**
 * The state update of the word count: a window's counts so far plus the batch's, closed in the
 * first batch whose time, less {@link SparkStreamingKafkaWordCount#OUT_OF_ORDER_MILLIS}, has passed
 * the window's end; written in that batch and forgotten in the next. Spark Streaming has no
 * event-time watermark: the batch time stands in for it, as processing time does in the runner
 * (a batch holds the records that had arrived by its time, so when the application keeps up the
 * two close a window in the same batch). Lines for a window that closed in an earlier batch are
 * dropped, as KafkaWordCount drops late lines.
 *
 * <p>Spark's Java {@code updateStateByKey} gives the function neither the key (whose window says
 * when it ends) nor the batch time, so this goes through the Scala form that gives both.
 */
final class WindowUpdate
    extends AbstractFunction4<
        Time, WindowedWord, Seq<WindowTally>, Option<WindowTally>, Option<WindowTally>>
    implements Serializable {

  private static final ClassTag<WindowedWord> KEY = ClassTag$.MODULE$.apply(WindowedWord.class);
  private static final ClassTag<WindowTally> VALUE = ClassTag$.MODULE$.apply(WindowTally.class);

  private final long windowMillis;
  private final long intervalMillis;

  private WindowUpdate(long windowMillis, long intervalMillis) {
    this.windowMillis = windowMillis;
    this.intervalMillis = intervalMillis;
  }

  /** Each window's state after every batch of {@code tallies}, over {@code partitions}. */
  static JavaPairDStream<WindowedWord, WindowTally> apply(
      JavaPairDStream<WindowedWord, WindowTally> tallies,
      long windowMillis,
      long intervalMillis,
      int partitions) {
    DStream<Tuple2<WindowedWord, WindowTally>> states =
        new PairDStreamFunctions<>(tallies.dstream(), KEY, VALUE, null)
            .updateStateByKey(
                new WindowUpdate(windowMillis, intervalMillis),
                new HashPartitioner(partitions),
                true,
                Option.empty(),
                VALUE);
    return new JavaPairDStream<>(states, KEY, VALUE);
  }

  @Override
  public Option<WindowTally> apply(
      Time batchTime, WindowedWord window, Seq<WindowTally> fresh, Option<WindowTally> state) {
    if (state.isDefined() && state.get().closed()) {
      return Option.empty();
    }
    long watermark = batchTime.milliseconds() - SparkStreamingKafkaWordCount.OUT_OF_ORDER_MILLIS;
    long windowEnd = window.windowStart() + windowMillis;
    if (state.isEmpty() && windowEnd <= watermark - intervalMillis) {
      return Option.empty(); // late: the window closed in an earlier batch
    }
    WindowTally sum = state.isDefined() ? state.get() : new WindowTally(0, false);
    for (Iterator<WindowTally> tallies = fresh.iterator(); tallies.hasNext(); ) {
      sum = sum.plus(tallies.next());
    }
    return Option.apply(windowEnd <= watermark ? sum.close() : sum);
  }
}
