package dev.microbatch.io;

import dev.microbatch.runner.dstream.InputRecovery;

/**
 * Checkpointing for an input that delivers everything in one batch (Impulse, a bounded source read
 * without a per-batch limit): its position is whether that batch has committed, and a slice is
 * whether the batch delivers. A re-run of the delivering batch delivers again from the start.
 */
final class ReadOnceRecovery implements InputRecovery {

  /** What the input does with the answers. */
  interface Target {
    /** True if the batch in flight is the one that delivers. */
    boolean deliversInFlight();

    /** True if a committed batch delivered already. */
    boolean deliveredBefore();

    /** Restores "delivered already" (true) or "still to deliver" (false). */
    void restore(boolean delivered);

    /** The next batch delivers everything from the start. */
    void deliverAgain();
  }

  private final Target target;

  ReadOnceRecovery(Target target) {
    this.target = target;
  }

  @Override
  public byte[] positionAfterBatch() {
    return flag(target.deliveredBefore() || target.deliversInFlight());
  }

  @Override
  public void restorePosition(byte[] position) {
    target.restore(position.length == 1 && position[0] == 1);
  }

  @Override
  public byte[] slice() {
    return flag(target.deliversInFlight());
  }

  @Override
  public void replay(byte[] slice) {
    if (slice.length == 1 && slice[0] == 1) {
      target.deliverAgain();
    }
  }

  private static byte[] flag(boolean value) {
    return new byte[] {(byte) (value ? 1 : 0)};
  }
}
