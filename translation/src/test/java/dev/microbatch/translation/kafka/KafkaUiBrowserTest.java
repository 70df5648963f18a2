package dev.microbatch.translation.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import dev.microbatch.io.kafka.TransactionalKafkaWrite;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.MicroBatchPipelineResult;
import dev.microbatch.runner.MicroBatchRunner;
import dev.microbatch.runner.status.Browser;
import dev.microbatch.runner.status.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The web UI of a Kafka job, in headless Chromium: a batch's page shows the offset ranges it read
 * from each Kafka partition and the exactly-once sink's transaction that committed its records, as
 * the REST API has them.
 */
public class KafkaUiBrowserTest {

  @ClassRule public static final EmbeddedKafkaBroker BROKER = new EmbeddedKafkaBroker();

  private static final NumberTopics TOPICS = new NumberTopics(BROKER);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static JsonNode get(URI uri) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test(timeout = 1_200_000)
  public void aBatchPageShowsTheOffsetRangesItReadAndTheTransactionItCommitted() throws Exception {
    String chromium = Browser.chromium();
    String topic = "watched";
    TOPICS.create(topic, 2);
    TOPICS.create("watched-copy", 1);
    TOPICS.produce(topic, 2, 400);

    MicroBatchPipelineOptions options = PipelineOptionsFactory.as(MicroBatchPipelineOptions.class);
    options.setRunner(MicroBatchRunner.class);
    options.setLogEveryBatch(false);
    options.setBatchIntervalMillis(200L);
    // 100 records/s per partition at 200 ms batches: 20 per partition and batch, with a backlog.
    options.setMaxRatePerPartition(100);
    Pipeline p = Pipeline.create(options);
    p.apply(TOPICS.read(topic, "watched-reader").withoutMetadata())
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((KV<String, Long> kv) -> KV.of(kv.getKey(), String.valueOf(kv.getValue()))))
        .apply(
            "Copy",
            TransactionalKafkaWrite.<String, String>to("watched-copy")
                .withBootstrapServers(BROKER.bootstrapServers())
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withTransactionalId("watched-copy-writer"));
    MicroBatchPipelineResult result = (MicroBatchPipelineResult) p.run();
    try {
      URI ui = result.uiAddress().orElseThrow();
      String app = get(ui.resolve("/api/v1/applications")).get(0).get("id").asText();
      URI batches = ui.resolve("/api/v1/applications/" + app + "/streaming/batches");
      JsonNode[] read = new JsonNode[1];
      Tools.await(
          "a batch that read records",
          Duration.ofSeconds(120),
          () -> {
            try {
              for (JsonNode batch : get(batches)) {
                boolean ended = !"PROCESSING".equals(batch.get("status").asText());
                if (ended && batch.get("inputSize").asLong() > 0) {
                  read[0] = batch;
                  return true;
                }
              }
              return false;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      String batchId = read[0].get("batchId").asText();
      JsonNode detail =
          get(ui.resolve("/api/v1/applications/" + app + "/streaming/batches/" + batchId));

      String page = Browser.dom(chromium, ui + "/#/batch/" + batchId);
      List<String> slices = Browser.rows(page, "slices");
      assertEquals(2, slices.size());
      for (int i = 0; i < 2; i++) {
        JsonNode slice = detail.get("slices").get(i);
        String row = slices.get(i);
        assertThat(row, containsString(topic + "-" + i));
        assertThat(row, containsString(">" + slice.get("fromOffset").asText() + "<"));
        assertThat(row, containsString(">" + slice.get("untilOffset").asText() + "<"));
      }
      List<String> transactions = Browser.rows(page, "transactions");
      assertEquals(1, transactions.size());
      JsonNode transaction = detail.get("transactions").get(0);
      assertEquals("COMMITTED", transaction.get("outcome").asText());
      // Every record the batch read was written in its transaction.
      assertEquals(read[0].get("inputSize").asLong(), transaction.get("records").asLong());
      assertThat(transactions.get(0), containsString("Copy"));
      assertThat(transactions.get(0), containsString("topic watched-copy"));
      assertThat(transactions.get(0), containsString(">committed<"));
      assertThat(
          transactions.get(0),
          containsString(">" + String.format("%,d", transaction.get("records").asLong()) + "<"));
      Browser.screenshot(
          chromium, ui + "/#/batch/" + batchId, Path.of("target", "ui-kafka-batch.png"));
    } finally {
      result.cancel();
    }
  }
}
