package dev.microbatch.runner.dstream;

/**
 * A lazy input partition that a cluster backend may have read elsewhere instead of reading it on
 * the driver: {@link #remoteRead()} describes the read, and the driver hands the read's report to
 * {@link #readElsewhere} afterwards, so that the input learns the partition's watermark and counts
 * its records as if it had read it itself. Read locally, it is an ordinary {@link Partition}.
 */
public interface RemoteReadable<T> extends Partition<T> {

  /** This partition's read, to run in another JVM. */
  RemoteRead<T> remoteRead();

  /** The partition was read elsewhere, which reported {@code report}. */
  void readElsewhere(RemoteRead.Report report);
}
