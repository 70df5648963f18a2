package dev.microbatch.examples;

import dev.microbatch.runner.MicroBatchRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * {@link ExactlyOnceKafkaJob} whose JVM halts (as if killed) at the {@code halt.onEncode}-th
 * encoding of a per-key count. Counts are encoded only when a checkpoint is written, which is after
 * the batch's transaction has committed: the crash lands exactly between the two.
 */
public final class HaltingExactlyOnceJob {

  private HaltingExactlyOnceJob() {}

  public static void main(String[] args) throws Exception {
    ExactlyOnceKafkaJob.Options options =
        PipelineOptionsFactory.fromArgs(args)
            .withValidation()
            .as(ExactlyOnceKafkaJob.Options.class);
    options.setRunner(MicroBatchRunner.class);
    ExactlyOnceKafkaJob.build(options, new HaltOnEncode()).run().waitUntilFinish();
  }

  /** A long coder that halts the JVM at the configured encoding; 0 (the default) never. */
  private static final class HaltOnEncode extends AtomicCoder<Long> {
    private static final AtomicInteger ENCODED = new AtomicInteger();
    private static final int HALT_AT = Integer.getInteger("halt.onEncode", 0);

    @Override
    public void encode(Long value, OutputStream out) throws IOException {
      if (ENCODED.incrementAndGet() == HALT_AT) {
        System.err.println("Halting between a transaction commit and its checkpoint");
        System.err.flush();
        Runtime.getRuntime().halt(137);
      }
      VarLongCoder.of().encode(value, out);
    }

    @Override
    public Long decode(InputStream in) throws IOException {
      return VarLongCoder.of().decode(in);
    }
  }
}
