package dev.microbatch.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;

/** One unbounded split read batch by batch: bounds, limits, deduplication, recovery. */
public class UnboundedSplitReaderTest {

  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();
  private static final ReadBounds FIVE_PER_BATCH = new ReadBounds(5, 10_000);

  /**
   * Numbers from a script: {@code null} entries mean "nothing available now". Each number is its
   * own record id unless {@code duplicateIds}, where ids repeat modulo 3. Reading number {@code
   * failAt} throws once.
   */
  private record Script(List<Long> numbers, boolean duplicateIds, long failAt)
      implements Serializable {}

  private static final class ScriptSource extends UnboundedSource<Long, ScriptSource.Mark> {
    private final Script script;
    private final transient boolean[] failed = {false};

    ScriptSource(Script script) {
      this.script = script;
    }

    record Mark(int position) implements UnboundedSource.CheckpointMark, Serializable {
      @Override
      public void finalizeCheckpoint() {}
    }

    @Override
    public List<ScriptSource> split(int desiredNumSplits, PipelineOptions options) {
      return List.of(this);
    }

    @Override
    public UnboundedReader<Long> createReader(PipelineOptions options, @Nullable Mark mark) {
      int start = mark == null ? 0 : mark.position();
      return new UnboundedReader<>() {
        private int position = start - 1;

        @Override
        public boolean start() throws IOException {
          return advance();
        }

        @Override
        public boolean advance() throws IOException {
          if (position + 1 >= script.numbers().size()
              || script.numbers().get(position + 1) == null) {
            if (position + 1 < script.numbers().size()) {
              position++; // consume the gap: the next call may find data
            }
            return false;
          }
          position++;
          if (getCurrent() == script.failAt() && !failed[0]) {
            failed[0] = true;
            throw new IOException("broker went away at " + getCurrent());
          }
          return true;
        }

        @Override
        public Long getCurrent() {
          return script.numbers().get(position);
        }

        @Override
        public Instant getCurrentTimestamp() {
          return new Instant(getCurrent());
        }

        @Override
        public byte[] getCurrentRecordId() {
          long id = script.duplicateIds() ? getCurrent() % 3 : getCurrent();
          return ByteBuffer.allocate(8).putLong(id).array();
        }

        @Override
        public Instant getWatermark() {
          return position + 1 >= script.numbers().size()
              ? BoundedWindow.TIMESTAMP_MAX_VALUE
              : new Instant(Math.max(0, position));
        }

        @Override
        public Mark getCheckpointMark() {
          return new Mark(position + 1);
        }

        @Override
        public UnboundedSource<Long, ?> getCurrentSource() {
          return ScriptSource.this;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public boolean requiresDeduping() {
      return script.duplicateIds();
    }

    @Override
    public Coder<Mark> getCheckpointMarkCoder() {
      return SerializableCoder.of(Mark.class);
    }

    @Override
    public Coder<Long> getOutputCoder() {
      return VarLongCoder.of();
    }
  }

  private static List<Long> numbers(long from, long to) {
    List<Long> numbers = new ArrayList<>();
    for (long i = from; i < to; i++) {
      numbers.add(i);
    }
    return numbers;
  }

  /** Reads one batch and commits it, returning the values read. */
  private static List<Long> batch(UnboundedSplitReader<Long> reader, ReadBounds bounds)
      throws Exception {
    List<Long> read = new ArrayList<>();
    reader.read(bounds, 0, (WindowedValue<Long> wv) -> read.add(wv.getValue()));
    Optional<UnboundedSource.CheckpointMark> mark = reader.pendingFinalization();
    if (mark.isPresent()) {
      reader.committed(mark.get());
    }
    return read;
  }

  @Test
  public void eachBatchContinuesWhereTheLastStoppedUpToItsRecordBound() throws Exception {
    UnboundedSplitReader<Long> reader =
        new UnboundedSplitReader<>(
            new ScriptSource(new Script(numbers(0, 12), false, -1)), OPTIONS, SplitLimit.NONE);
    assertThat(batch(reader, FIVE_PER_BATCH), contains(0L, 1L, 2L, 3L, 4L));
    assertThat(batch(reader, FIVE_PER_BATCH), contains(5L, 6L, 7L, 8L, 9L));
    assertThat(batch(reader, FIVE_PER_BATCH), contains(10L, 11L));
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, reader.watermark());
  }

  @Test
  public void nothingAvailableEndsTheBatchOfAnUnboundedRead() throws Exception {
    List<Long> script = new ArrayList<>(List.of(0L, 1L));
    script.add(null);
    script.addAll(List.of(2L, 3L));
    UnboundedSplitReader<Long> reader =
        new UnboundedSplitReader<>(
            new ScriptSource(new Script(script, false, -1)), OPTIONS, SplitLimit.NONE);
    assertThat(batch(reader, FIVE_PER_BATCH), contains(0L, 1L));
    assertThat(batch(reader, FIVE_PER_BATCH), contains(2L, 3L));
  }

  @Test
  public void aRecordLimitEndsTheSplitAndMovesItsWatermarkToTheEndOfTime() throws Exception {
    UnboundedSplitReader<Long> reader =
        new UnboundedSplitReader<>(
            new ScriptSource(new Script(numbers(0, 100), false, -1)),
            OPTIONS,
            new SplitLimit(7, Optional.of(Duration.standardMinutes(1))));
    assertThat(batch(reader, FIVE_PER_BATCH), contains(0L, 1L, 2L, 3L, 4L));
    assertThat(batch(reader, FIVE_PER_BATCH), contains(5L, 6L));
    assertEquals(BoundedWindow.TIMESTAMP_MAX_VALUE, reader.watermark());
    assertThat(batch(reader, FIVE_PER_BATCH), empty());
  }

  @Test
  public void recordsWhoseIdWasSeenAreDroppedWhenTheSourceAsksForDeduplication() throws Exception {
    UnboundedSplitReader<Long> reader =
        new UnboundedSplitReader<>(
            new ScriptSource(new Script(numbers(0, 6), true, -1)), OPTIONS, SplitLimit.NONE);
    // Ids are the numbers modulo 3: 3, 4 and 5 repeat the ids of 0, 1 and 2.
    assertThat(batch(reader, new ReadBounds(-1, 10_000)), contains(0L, 1L, 2L));
  }

  @Test
  public void aFailedReadResumesFromTheLastCommittedMark() throws Exception {
    UnboundedSplitReader<Long> reader =
        new UnboundedSplitReader<>(
            new ScriptSource(new Script(numbers(0, 10), false, 7)), OPTIONS, SplitLimit.NONE);
    assertThat(batch(reader, FIVE_PER_BATCH), contains(0L, 1L, 2L, 3L, 4L));
    List<Long> failedBatch = new ArrayList<>();
    assertThrows(
        IOException.class,
        () ->
            reader.read(
                FIVE_PER_BATCH, 0, (WindowedValue<Long> wv) -> failedBatch.add(wv.getValue())));
    assertThat(failedBatch, contains(5L, 6L));
    // The failed batch committed nothing: the retry reads 5 and 6 again.
    assertThat(batch(reader, FIVE_PER_BATCH), contains(5L, 6L, 7L, 8L, 9L));
  }
}
