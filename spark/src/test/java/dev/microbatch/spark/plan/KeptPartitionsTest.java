package dev.microbatch.spark.plan;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.spark.task.Chunk;
import dev.microbatch.spark.task.StageResult;
import dev.microbatch.translation.runtime.WindowedValuesCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.WindowedValues;
import org.joda.time.Instant;
import org.junit.Test;

/**
 * A stream read by several is kept on the executors in a form Spark can ship to a reader on
 * another executor (with Java serialization, as it ships any block), which Beam elements are not.
 */
public class KeptPartitionsTest {

  private static final WindowedValuesCodec WORDS =
      new WindowedValuesCodec(StringUtf8Coder.of(), GlobalWindow.Coder.INSTANCE);
  private static final WindowedValuesCodec NUMBERS =
      new WindowedValuesCodec(VarIntCoder.of(), GlobalWindow.Coder.INSTANCE);

  /** What a reader on another executor gets: the block through Java serialization. */
  private static Object shipped(Object block) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(block);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }

  @Test
  public void beamElementsThemselvesCannotBeShipped() {
    Chunk chunk =
        new Chunk(List.of(WindowedValues.valueInGlobalWindow("a")), new Instant(5));
    assertThrows(NotSerializableException.class, () -> shipped(chunk));
  }

  @Test
  public void aStreamsPartitionIsShippedAsCoderBytesAndReadBackWhole() throws Exception {
    Chunk chunk =
        new Chunk(
            List.of(
                WindowedValues.valueInGlobalWindow("a"), WindowedValues.valueInGlobalWindow("b")),
            new Instant(5));
    KeptPartitions keeping = KeptPartitions.ofStream(WORDS);

    Object read =
        ((KeptPartitions) shipped(keeping)).read((KeptPartitions.Kept) shipped(keeping.keep(chunk)));

    assertEquals(chunk, read);
  }

  @Test
  public void aStagesPartitionKeepsEveryOutputReadAndDropsTheOthers() throws Exception {
    StageResult result =
        new StageResult(
            List.of(
                List.of(WindowedValues.valueInGlobalWindow("heads")),
                List.of(WindowedValues.valueInGlobalWindow(7)),
                List.of(WindowedValues.valueInGlobalWindow("nobody reads this"))),
            new Instant(9));
    KeptPartitions keeping =
        KeptPartitions.ofStage(Map.of(0, WORDS, 1, NUMBERS));

    StageResult read =
        (StageResult)
            ((KeptPartitions) shipped(keeping))
                .read((KeptPartitions.Kept) shipped(keeping.keep(result)));

    assertEquals(result.output(0), read.output(0));
    assertEquals(result.output(1), read.output(1));
    assertEquals(List.of(), read.byOutput().get(2));
    assertEquals(new Instant(9), read.watermark());
  }
}
