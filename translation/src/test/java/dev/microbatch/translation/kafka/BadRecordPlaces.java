package dev.microbatch.translation.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.metrics.StringSet;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;

/**
 * A bad-record handler's sink for the specs: each Kafka record that could not be deserialized
 * becomes {@code topic/partition/offset/value}, with its place read from the bad record's JSON and
 * its value from the record it carries encoded (so both are checked), kept in a committed string
 * set.
 */
final class BadRecordPlaces extends PTransform<PCollection<BadRecord>, PCollection<String>> {

  private static final String NAMESPACE = "bad-records";
  private static final String PLACES = "places";

  /** {@code topic/partition/offset/value}, as the sink writes a record. */
  static String place(String topic, int partition, long offset, String value) {
    return topic + "/" + partition + "/" + offset + "/" + value;
  }

  /** The places of the bad records of batches that committed. */
  static Set<String> of(PipelineResult result) {
    return StreamSupport.stream(
            result
                .metrics()
                .queryMetrics(
                    MetricsFilter.builder()
                        .addNameFilter(MetricNameFilter.named(NAMESPACE, PLACES))
                        .build())
                .getStringSets()
                .spliterator(),
            false)
        .flatMap(set -> set.getCommitted().getStringSet().stream())
        .collect(Collectors.toSet());
  }

  @Override
  public PCollection<String> expand(PCollection<BadRecord> input) {
    return input.apply(ParDo.of(new Place()));
  }

  private static final class Place extends DoFn<BadRecord, String> {
    private final StringSet places = Metrics.stringSet(NAMESPACE, PLACES);

    @ProcessElement
    public void process(@Element BadRecord bad, OutputReceiver<String> out) throws Exception {
      JsonNode shown = new ObjectMapper().readTree(bad.getRecord().getHumanReadableJsonRecord());
      KafkaRecord<byte[], byte[]> whole =
          CoderUtils.decodeFromByteArray(
              KafkaRecordCoder.of(
                  NullableCoder.of(ByteArrayCoder.of()), NullableCoder.of(ByteArrayCoder.of())),
              bad.getRecord().getEncodedRecord());
      String place =
          place(
              shown.get("topic").asText(),
              shown.get("partition").asInt(),
              shown.get("offset").asLong(),
              new String(whole.getKV().getValue(), StandardCharsets.UTF_8));
      places.add(place);
      out.output(place);
    }
  }
}
