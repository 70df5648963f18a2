package dev.microbatch.examples;

import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An exactly-once Kafka-to-Kafka job: every input record yields one output record, numbered per key
 * by a stateful step ({@code value|n=<count of this key so far>}), written with the runner's
 * transactional sink. Killed and restarted with the same {@code --checkpointLocation}, it resumes
 * where its last batch committed, and a {@code read_committed} consumer of the output sees each
 * input record's result exactly once, with the per-key numbers 1, 2, 3, ... without gaps or repeats
 * (which also checks that keyed state survived the restart).
 */
public final class ExactlyOnceKafkaJob {

  /** The job's options, on top of the runner's. */
  public interface Options extends MicroBatchPipelineOptions {
    @Description("Kafka bootstrap servers, host:port[,host:port].")
    @Validation.Required
    String getBootstrapServers();

    void setBootstrapServers(String value);

    @Description("Topic to read.")
    @Validation.Required
    String getInputTopic();

    void setInputTopic(String value);

    @Description("Topic to write.")
    @Validation.Required
    String getOutputTopic();

    void setOutputTopic(String value);

    @Description("Consumer group of the input; its offsets are committed with the output.")
    @Validation.Required
    String getGroupId();

    void setGroupId(String value);

    @Description("Transactional id of the sink: the same across restarts of this job.")
    @Validation.Required
    String getTransactionalId();

    void setTransactionalId(String value);
  }

  private ExactlyOnceKafkaJob() {}

  public static void main(String[] args) throws Exception {
    Options options =
        PipelineOptionsFactory.fromArgs(WordCount.withDefaultRunner(args))
            .withValidation()
            .as(Options.class);
    System.out.printf(
        "Exactly-once job: topic %s at %s into topic %s, group %s, checkpoints in %s; running until"
            + " killed%n",
        options.getInputTopic(),
        options.getBootstrapServers(),
        options.getOutputTopic(),
        options.getGroupId(),
        options.getCheckpointLocation());
    build(options).run().waitUntilFinish();
  }

  /** The pipeline, for the example and its crash test. */
  public static Pipeline build(Options options) {
    return build(options, VarLongCoder.of());
  }

  /** The pipeline with the coder of the per-key count, which the checkpoints encode. */
  static Pipeline build(Options options, Coder<Long> countCoder) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(
            "ReadInput",
            KafkaIO.<String, String>read()
                .withBootstrapServers(options.getBootstrapServers())
                .withTopic(options.getInputTopic())
                .withKeyDeserializer(StringDeserializer.class)
                .withValueDeserializer(StringDeserializer.class)
                .withConsumerConfigUpdates(
                    Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        options.getGroupId(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"))
                .withoutMetadata())
        // Records written without a key (as console producers do) have a null key: one key.
        .setCoder(KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), StringUtf8Coder.of()))
        .apply("NumberPerKey", ParDo.of(new NumberPerKey(countCoder)))
        .apply(
            "WriteOutput",
            TransactionalKafkaWrite.<String, String>to(options.getOutputTopic())
                .withBootstrapServers(options.getBootstrapServers())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withTransactionalId(options.getTransactionalId()));
    return pipeline;
  }

  /** Numbers each key's records in arrival order; the count lives in keyed state. */
  static final class NumberPerKey extends DoFn<KV<String, String>, KV<String, String>> {

    @StateId("count")
    private final StateSpec<ValueState<Long>> countSpec;

    NumberPerKey(Coder<Long> countCoder) {
      this.countSpec = StateSpecs.value(countCoder);
    }

    @ProcessElement
    public void process(
        @Element KV<String, String> record,
        @StateId("count") ValueState<Long> count,
        OutputReceiver<KV<String, String>> out) {
      Long seen = count.read();
      long n = (seen == null ? 0 : seen) + 1;
      count.write(n);
      out.output(KV.of(record.getKey(), record.getValue() + "|n=" + n));
    }
  }
}
