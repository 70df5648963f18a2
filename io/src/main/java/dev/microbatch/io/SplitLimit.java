package dev.microbatch.io;

import java.util.Optional;
import org.joda.time.Duration;

/**
 * A bound on everything one split of an unbounded source delivers, over all batches, as for {@code
 * Read.from(unbounded).withMaxNumRecords(n)} or {@code .withMaxReadTime(d)}: the split ends when it
 * has delivered {@code maxRecords} or has been read for {@code maxReadTime}. While a bounded split
 * waits for data it polls until the batch's read time is up rather than ending the batch at once,
 * so a slow source does not turn into a storm of empty batches.
 */
public record SplitLimit(long maxRecords, Optional<Duration> maxReadTime) {

  /** No bound: an unbounded read. */
  public static final SplitLimit NONE = new SplitLimit(Long.MAX_VALUE, Optional.empty());

  public boolean isBounded() {
    return maxRecords != Long.MAX_VALUE || maxReadTime.isPresent();
  }

  /** This limit's share for one of {@code splits} splits: records spread, read time kept. */
  public SplitLimit share(int index, int splits) {
    if (maxRecords == Long.MAX_VALUE) {
      return this;
    }
    long share = maxRecords / splits + (index < maxRecords % splits ? 1 : 0);
    return new SplitLimit(share, maxReadTime);
  }
}
