package dev.microbatch.io;

/**
 * How much one source split may deliver in one batch: at most {@code maxRecords} records (-1 for no
 * limit), read for at most {@code maxReadTimeMillis}. Reading also stops as soon as the source has
 * nothing available.
 */
public record ReadBounds(long maxRecords, long maxReadTimeMillis) {

  public ReadBounds {
    if (maxRecords == 0 || maxRecords < -1) {
      throw new IllegalArgumentException("maxRecords must be positive or -1, got " + maxRecords);
    }
    if (maxReadTimeMillis <= 0) {
      throw new IllegalArgumentException("maxReadTimeMillis must be positive");
    }
  }

  boolean allows(long records) {
    return maxRecords < 0 || records < maxRecords;
  }
}
