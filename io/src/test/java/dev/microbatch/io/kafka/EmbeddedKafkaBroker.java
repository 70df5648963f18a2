package dev.microbatch.io.kafka;

import dev.microbatch.runner.net.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.rules.ExternalResource;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), from the
 * Kafka Maven artifacts, on loopback ports and a temporary directory. Use it as a JUnit rule: it
 * starts before the tests and is shut down and deleted after them. Tests take random ports; a
 * broker that people connect to by hand takes a fixed client port.
 */
public final class EmbeddedKafkaBroker extends ExternalResource {

  private static final String LOOPBACK = LoopbackPorts.HOST;

  private final int port;
  private Path logDir;
  private KafkaConfig config;
  private KafkaRaftServer server;
  private String bootstrapServers;

  /** A broker on a free loopback port. */
  public EmbeddedKafkaBroker() {
    this(0);
  }

  /**
   * A broker whose clients connect to {@code port} on the loopback interface; 0 picks a free port.
   * The controller's port is always picked freely: only the broker itself talks to it.
   */
  public EmbeddedKafkaBroker(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("Not a TCP port: " + port);
    }
    this.port = port;
  }

  @Override
  protected void before() throws Throwable {
    start();
  }

  @Override
  protected void after() {
    stop();
  }

  /** Formats a fresh log directory and starts the broker; returns once it accepts clients. */
  public void start() throws Exception {
    logDir = Files.createTempDirectory("microbatch-kafka-");
    int[] free = LoopbackPorts.distinct(2);
    int brokerPort = port == 0 ? free[0] : port;
    // Distinct from the broker's even when the broker's port was given.
    int controllerPort = free[1] == brokerPort ? free[0] : free[1];
    bootstrapServers = LOOPBACK + ":" + brokerPort;
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@" + LOOPBACK + ":" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://" + bootstrapServers + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + bootstrapServers);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    props.put("num.partitions", "1");
    props.put("auto.create.topics.enable", "false");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "4");
    props.put("group.initial.rebalance.delay.ms", "0");
    config = new KafkaConfig(props);
    new Formatter()
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(logDir.toString())
        .addDirectory(logDir.toString())
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
    launch();
  }

  /**
   * Shuts the broker down, as a broker that goes away would be, but keeps its ports and data:
   * {@link #restart()} brings the same broker back, with every record it had acknowledged.
   */
  public void shutDown() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Starts the broker again after {@link #shutDown()}; returns once it accepts clients. */
  public void restart() throws Exception {
    if (server != null) {
      throw new IllegalStateException("The broker is running");
    }
    launch();
  }

  private void launch() throws Exception {
    server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
      try (Admin admin = admin()) {
        admin.describeCluster().nodes().get();
      }
    } catch (Exception | Error e) {
      // A broker that did not come up (a fixed port already taken, say) must not keep its
      // threads and directory: the caller only sees the exception.
      stop();
      throw e;
    }
  }

  /** Shuts the broker down and deletes its directory. */
  public void stop() {
    shutDown();
    if (logDir != null) {
      deleteRecursively(logDir);
      logDir = null;
    }
  }

  /** {@code host:port} of the broker, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** An admin client of this broker; close it after use. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** A producer to this broker with the given serializer classes; close it after use. */
  public <K, V> KafkaProducer<K, V> producer(
      Class<? extends Serializer<K>> keys, Class<? extends Serializer<V>> values) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, keys,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, values));
  }

  /**
   * Consumes {@code topic}'s first {@code partitions} partitions from the start until {@code
   * expected} records came, or a minute passed.
   */
  public <K, V> List<ConsumerRecord<K, V>> consume(
      String topic,
      int partitions,
      int expected,
      Class<? extends Deserializer<K>> keys,
      Class<? extends Deserializer<V>> values) {
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, keys,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, values))) {
      List<TopicPartition> all =
          IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(all);
      consumer.seekToBeginning(all);
      long deadline = System.currentTimeMillis() + 60_000;
      while (records.size() < expected && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions; see {@link #createTopic(NewTopic)}.
   */
  public void createTopic(String topic, int partitions) throws Exception {
    createTopic(new NewTopic(topic, partitions, (short) 1));
  }

  /**
   * Creates {@code topic} and waits until the broker leads each of its partitions. The controller
   * acknowledges a new topic before the broker has taken the lead of its partitions; a producer
   * that comes in between is told NOT_LEADER_OR_FOLLOWER, and an idempotent one has been seen to
   * lose track of its sequence numbers then, failing with OUT_OF_ORDER_SEQUENCE_NUMBER until its
   * delivery timeout.
   */
  public void createTopic(NewTopic topic) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(topic)).all().get();
      // Only a partition's leader answers for its offsets; the admin client retries until it does,
      // but not while the topic's metadata has not reached the broker yet.
      long deadline = System.currentTimeMillis() + 30_000;
      while (true) {
        try {
          endOffsets(admin, topic.name(), topic.numPartitions());
          return;
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause()
                  instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
              || System.currentTimeMillis() > deadline) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
    }
  }

  /** The end offset of each of the first {@code partitions} partitions of {@code topic}. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int partition = 0; partition < partitions; partition++) {
      latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((p, info) -> ends.put(p, info.offset()));
    return ends;
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing a test for.
    }
  }
}
