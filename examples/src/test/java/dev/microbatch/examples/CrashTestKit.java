package dev.microbatch.examples;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the exactly-once crash tests share, whatever runs the job (one JVM, or a driver and a
 * cluster's executors): writing the input steadily, waiting until the job consumed it all, reading
 * the output with a {@code read_committed} consumer, and the check that nothing was lost or
 * doubled and that each key's numbers run 1..n in input order.
 */
final class CrashTestKit {

  static final int KEYS = 24;

  /** The topics and consumer group one job works with. */
  record Job(String input, String output, String group) {}

  private final EmbeddedKafkaBroker kafka;

  CrashTestKit(EmbeddedKafkaBroker kafka) {
    this.kafka = kafka;
  }

  /**
   * The exactly-once job's arguments for {@code job}: its topics, group and transactional id, its
   * checkpoints, small batches, one line per batch and no UI port.
   */
  List<String> jobArguments(Job job, Path checkpoints, long batchIntervalMillis) {
    return List.of(
        "--bootstrapServers=" + kafka.bootstrapServers(),
        "--inputTopic=" + job.input(),
        "--outputTopic=" + job.output(),
        "--groupId=" + job.group(),
        "--transactionalId=" + job.group() + "-sink",
        "--checkpointLocation=" + checkpoints,
        "--batchIntervalMillis=" + batchIntervalMillis,
        "--maxRecordsPerBatch=200",
        "--parallelism=2",
        "--logEveryBatch=true",
        "--uiPort=0");
  }

  /** Starts writing {@code records} records of input steadily, until done or told to stop. */
  Thread startProducing(Job job, int records, AtomicBoolean producing) {
    Thread producer =
        new Thread(
            () -> produce(job, records, new AtomicInteger(), producing), job.group() + "-producer");
    producer.start();
    return producer;
  }

  /** Kills {@code job} (SIGKILL) and waits up to 30 s for it to be gone. */
  static void kill(Process job) throws InterruptedException {
    job.destroyForcibly();
    job.waitFor(30, TimeUnit.SECONDS);
  }

  /** Creates the job's topics, 4 partitions each. */
  void createTopics(Job job) throws Exception {
    kafka.createTopic(job.input(), 4);
    kafka.createTopic(job.output(), 4);
  }

  /** Input: {@code records} records over KEYS keys, written steadily while the job is hit. */
  void produce(
      Job job, int records, AtomicInteger produced, AtomicBoolean producing) {
    try (KafkaProducer<String, String> producer =
        kafka.producer(StringSerializer.class, StringSerializer.class)) {
      while (producing.get() && produced.get() < records) {
        for (int i = 0; i < 20 && produced.get() < records; i++) {
          int n = produced.getAndIncrement();
          producer.send(record(job.input(), n));
        }
        producer.flush();
        Thread.sleep(40);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static ProducerRecord<String, String> record(String topic, int n) {
    return new ProducerRecord<>(topic, "key-" + (n % KEYS), "record-" + n);
  }

  /** Records {@code from} (inclusive) to {@code to} (exclusive) of {@code job}'s input. */
  void produce(Job job, int from, int to) {
    try (KafkaProducer<String, String> producer =
        kafka.producer(StringSerializer.class, StringSerializer.class)) {
      for (int n = from; n < to; n++) {
        producer.send(record(job.input(), n));
      }
      producer.flush();
    }
  }

  /** Waits until the job's log shows a completed batch. */
  static void awaitFirstBatch(Path log, Process job) throws Exception {
    awaitFirstBatch(log, job, Duration.ofSeconds(90));
  }

  /** Waits up to {@code limit} until the job's log shows a completed batch. */
  static void awaitFirstBatch(Path log, Process job, Duration limit) throws Exception {
    long deadline = System.currentTimeMillis() + limit.toMillis();
    while (System.currentTimeMillis() < deadline && job.isAlive()) {
      if (Files.exists(log) && Files.readString(log).contains(" records in, processing ")) {
        return;
      }
      Thread.sleep(50);
    }
    if (job.isAlive()) {
      // Where it is stuck, for the log.
      new ProcessBuilder("jcmd", String.valueOf(job.pid()), "Thread.print")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start()
          .waitFor(30, TimeUnit.SECONDS);
    }
    throw new AssertionError(
        "the job did not complete a batch within " + limit.toSeconds() + " s; see " + log);
  }

  /**
   * Waits until the job's group has committed offsets at the input's end, then reads the output.
   * The sink commits those offsets in the transaction of the batch that consumed the last record,
   * so every result the input can ever give, duplicates included, is in a transaction that
   * committed by then; reading to the output's end offsets finds each of them.
   */
  Map<String, List<String>> awaitEverythingConsumed(Job job, int records)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long consumed = 0;
    try (Admin admin = kafka.admin()) {
      while (consumed < records) {
        consumed = 0;
        for (OffsetAndMetadata offset :
            admin
                .listConsumerGroupOffsets(job.group())
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .values()) {
          consumed += offset.offset();
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "group " + job.group() + " consumed " + consumed + " of " + records + " records");
        }
        Thread.sleep(200);
      }
    }
    return readOutput(job.output());
  }

  static int count(Map<String, List<String>> out) {
    return out.values().stream().mapToInt(List::size).sum();
  }

  /** Everything committed to the output topic, per key in offset order. */
  Map<String, List<String>> readOutput(String topic) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, List<String>> byKey = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = committedEnds(consumer, partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
        }
      }
    }
    return byKey;
  }

  /**
   * The output's end offsets once no transaction is open on it: a committed transaction's markers
   * reach the partitions a moment after the commit, and until then its records are not readable.
   */
  private Map<TopicPartition, Long> committedEnds(
      KafkaConsumer<String, String> committed, List<TopicPartition> partitions) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (KafkaConsumer<String, String> uncommitted =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      while (true) {
        Map<TopicPartition, Long> stable = committed.endOffsets(partitions);
        Map<TopicPartition, Long> written = uncommitted.endOffsets(partitions);
        if (stable.equals(written)) {
          return stable;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "transactions still open on the output: stable " + stable + ", written " + written);
        }
        Thread.sleep(100);
      }
    }
  }

  /** 0 lost, 0 duplicated, and each key numbered 1..n in input order. */
  static void check(Map<String, List<String>> out, int records, String context) {
    TreeSet<Integer> seen = new TreeSet<>();
    int duplicates = 0;
    for (Map.Entry<String, List<String>> key : out.entrySet()) {
      int previousInput = -1;
      for (int i = 0; i < key.getValue().size(); i++) {
        String[] parts = key.getValue().get(i).split("\\|n=");
        int input = Integer.parseInt(parts[0].substring("record-".length()));
        assertEquals(
            "key "
                + key.getKey()
                + " numbered out of order at "
                + key.getValue().get(i)
                + "; "
                + context,
            i + 1,
            Integer.parseInt(parts[1]));
        assertTrue(
            "input order broken for " + key.getKey() + "; " + context, input > previousInput);
        assertEquals("key of record-" + input, "key-" + (input % KEYS), key.getKey());
        previousInput = input;
        if (!seen.add(input)) {
          duplicates++;
        }
      }
    }
    int lost = records - seen.size();
    System.out.printf(
        "Crash test: %d records in, %d results out, %d lost, %d duplicated (%s)%n",
        records, count(out), lost, duplicates, context);
    assertEquals("duplicated results; " + context, 0, duplicates);
    assertEquals("lost records; " + context, 0, lost);
    assertEquals("results; " + context, records, count(out));
  }
}
