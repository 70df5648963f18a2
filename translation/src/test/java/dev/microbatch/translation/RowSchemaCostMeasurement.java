package dev.microbatch.translation;

import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchRunner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Measures, by hand, what making rows carry their declared schema costs (not a test: it runs for a
 * minute or more). A bounded pipeline makes one Row per number, passes it through three fused
 * ParDos and counts; it runs in four variants that differ only in the rows' schema and the
 * PCollection's coder, and prints each variant's median time. Arguments: rows (default 2,000,000)
 * and rounds (default 3). Run it with {@code mvn -pl translation exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.microbatch.translation.RowSchemaCostMeasurement
 * -Dexec.args="2000000 3"}.
 */
public final class RowSchemaCostMeasurement {

  private static final Schema DECLARED =
      Schema.builder().addInt64Field("n").addStringField("text").build();
  private static final Schema EQUAL_COPY =
      Schema.builder().addInt64Field("n").addStringField("text").build();
  private static final Schema OTHER_NAMES =
      Schema.builder().addInt64Field("number").addStringField("label").build();

  /** What the rows are built with, and whether their PCollection has a SchemaCoder. */
  private enum Variant {
    NO_SCHEMA_CODER(DECLARED, false),
    DECLARED_SCHEMA(DECLARED, true),
    EQUAL_SCHEMA_OTHER_INSTANCE(EQUAL_COPY, true),
    OTHER_FIELD_NAMES(OTHER_NAMES, true);

    final Schema built;
    final boolean schemaCoder;

    Variant(Schema built, boolean schemaCoder) {
      this.built = built;
      this.schemaCoder = schemaCoder;
    }
  }

  private RowSchemaCostMeasurement() {}

  public static void main(String[] args) {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    run(Variant.NO_SCHEMA_CODER, rows / 10); // warm-up
    for (Variant variant : Variant.values()) {
      List<Long> millis = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        millis.add(run(variant, rows));
      }
      Collections.sort(millis);
      System.out.printf(
          "%-28s median %6d ms over %d rounds %s (%,d rows)%n",
          variant, millis.get(rounds / 2), rounds, millis, rows);
    }
  }

  private static long run(Variant variant, long rows) {
    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setParallelism(2);
    options.setLogEveryBatch(false);
    Pipeline pipeline = Pipeline.create(options);
    PCollection<Row> made =
        pipeline
            .apply(GenerateSequence.from(0).to(rows))
            .apply(ParDo.of(new MakeRow(variant.built)));
    if (variant.schemaCoder) {
      made.setRowSchema(DECLARED);
    } else {
      made.setCoder(SerializableCoder.of(Row.class));
    }
    PCollection<Row> passed = made;
    for (int step = 0; step < 3; step++) {
      passed = passed.apply("Pass" + step, ParDo.of(new ReadFields()));
      if (variant.schemaCoder) {
        passed.setRowSchema(DECLARED);
      } else {
        passed.setCoder(SerializableCoder.of(Row.class));
      }
    }
    passed.apply(Count.globally());
    long start = System.nanoTime();
    pipeline.run().waitUntilFinish();
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static final class MakeRow extends DoFn<Long, Row> {
    private final Schema schema;

    MakeRow(Schema schema) {
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element Long n, OutputReceiver<Row> out) {
      out.output(Row.withSchema(schema).addValues(n, "row").build());
    }
  }

  /** Reads both fields by position and passes the row on, as it is. */
  private static final class ReadFields extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      if (row.getInt64(0) >= 0 && row.getString(1) != null) {
        out.output(row);
      }
    }
  }
}
