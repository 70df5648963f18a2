package dev.microbatch.examples.kafka;

import dev.microbatch.io.kafka.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A single-node Kafka broker for people who have none, to try the Kafka examples with: the tests'
 * {@link EmbeddedKafkaBroker} on a fixed loopback port, with its data in a temporary directory that
 * is deleted when the broker stops. It runs until the JVM is told to stop (Ctrl-C). Started by
 * {@code scripts/kafka-local-broker.sh [port] [topic[:partitions] ...]}.
 */
public final class LocalKafkaBroker {

  static final int DEFAULT_PORT = 9092;

  private LocalKafkaBroker() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
      System.out.println(
          "Arguments: [port (default " + DEFAULT_PORT + ")] [topic[:partitions] ...]");
      return;
    }
    int port = args.length > 0 ? parsePort(args[0]) : DEFAULT_PORT;
    List<TopicSpec> topics = new ArrayList<>();
    Arrays.stream(args).skip(1).map(TopicSpec::parse).forEach(topics::add);

    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(port);
    // Ctrl-C runs the shutdown hooks: the broker stops cleanly and its directory is deleted. The
    // hook also stops a broker whose topics could not be created, whose threads would otherwise
    // keep the JVM alive after main has failed.
    Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "local-kafka-broker-stop"));
    try {
      broker.start();
      for (TopicSpec topic : topics) {
        broker.createTopic(topic.name(), topic.partitions());
        System.out.println("Created topic " + topic);
      }
    } catch (Exception e) {
      System.err.println("The broker on 127.0.0.1:" + port + " did not start: " + rootCause(e));
      System.exit(1);
    }
    System.out.println("Kafka broker running; bootstrap servers: " + broker.bootstrapServers());
    System.out.println("Stop it with Ctrl-C (its data is deleted then).");
    new CountDownLatch(1).await();
  }

  /** The innermost cause: Kafka wraps "Address already in use" three layers deep. */
  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static int parsePort(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "The first argument is the port, not '" + text + "'; topics follow it", e);
    }
  }
}
