package dev.microbatch.examples.bench;

import dev.microbatch.examples.kafka.CheckedSends;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Text lines written to a topic at once but stamped as if they arrived at a steady rate: line
 * {@code i}'s create timestamp is {@code start + i / perSecond}. Lines go round-robin over the
 * topic's partitions, so that each partition holds the same share.
 *
 * <p>Made visible at once (in a transaction committed at {@code start}), they let an application
 * whose input is bounded to {@code perSecond / partitions} records per partition and second read
 * exactly {@code perSecond} times its interval in every batch until they run out, however fast a
 * producer gets to go on the machine, its event times advancing by one interval per batch, as
 * with a live feed it keeps up with.
 *
 * @param lines the text, cycled through
 * @param total how many lines are written
 * @param startMillis the first line's timestamp
 * @param perSecond lines per second of timestamps
 */
record StampedLines(List<String> lines, long total, long startMillis, double perSecond) {

  /** How the word counts split a line into words (KafkaWordCount's ExtractWordsFn). */
  private static final Pattern NON_LETTERS = Pattern.compile("[^\\p{L}]+");

  /** Sends every line, and waits until all are written; returns how long that took, in ms. */
  long send(Producer<String, String> producer, String topic, int partitions) throws Exception {
    long start = System.nanoTime();
    CheckedSends<String, String> sends = new CheckedSends<>(producer);
    for (long i = 0; i < total; i++) {
      sends.send(new ProducerRecord<>(topic, (int) (i % partitions), stamp(i), null, line(i)));
    }
    sends.flush();
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** How many words the lines hold in each fixed window, by the window's start. */
  Map<Long, Long> wordsPerWindow(long windowMillis) {
    Map<Long, Long> words = new HashMap<>();
    for (long i = 0; i < total; i++) {
      long count = 0;
      for (String word : NON_LETTERS.split(line(i))) {
        count += word.isEmpty() ? 0 : 1;
      }
      long stamp = stamp(i);
      words.merge(stamp - Math.floorMod(stamp, windowMillis), count, Long::sum);
    }
    return words;
  }

  private long stamp(long i) {
    return startMillis + (long) (i * 1000 / perSecond);
  }

  private String line(long i) {
    return lines.get((int) (i % lines.size()));
  }
}
