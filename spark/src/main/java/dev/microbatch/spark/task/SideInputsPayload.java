package dev.microbatch.spark.task;

import dev.microbatch.runner.dstream.ElementsCodec;
import dev.microbatch.runner.dstream.SideInput;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.joda.time.Instant;

/**
 * A stage's side inputs for one batch, broadcast to the executors as coder bytes and decoded once
 * per executor JVM (Spark keeps one deserialized copy of a broadcast value per executor).
 */
public final class SideInputsPayload implements Serializable {

  /** One side input: its encoded contents, its codec and its watermark. */
  private record Encoded(byte[] elements, ElementsCodec<Object> codec, long watermarkMillis)
      implements Serializable {}

  private final List<Encoded> sides = new ArrayList<>();
  private transient volatile List<SideInput> decoded;

  public void add(List<Object> elements, ElementsCodec<Object> codec, Instant watermark)
      throws IOException {
    sides.add(new Encoded(codec.encode(elements), codec, watermark.getMillis()));
  }

  /** The side inputs, in the stage's order, decoded on first use in this JVM. */
  public List<SideInput> sideInputs() {
    List<SideInput> result = decoded;
    if (result == null) {
      synchronized (this) {
        if (decoded == null) {
          List<SideInput> all = new ArrayList<>(sides.size());
          for (Encoded side : sides) {
            try {
              all.add(
                  new SideInput(side.codec().decode(side.elements()), new Instant(side.watermarkMillis())));
            } catch (IOException e) {
              throw new UncheckedIOException("Cannot decode a side input on this executor", e);
            }
          }
          decoded = List.copyOf(all);
        }
        result = decoded;
      }
    }
    return result;
  }
}
