package dev.microbatch.examples.kafka;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Text lines in and out of a Kafka topic from the command line, for trying the Kafka examples by
 * hand ({@code scripts/kafka-lines.sh}):
 *
 * <ul>
 *   <li>{@code produce TOPIC [bootstrap]}: each line of standard input becomes one record (no key),
 *       sent as it is read and acknowledged by the broker; lines that could not be sent are tried
 *       again (see {@link LineSender}), and if some never go it exits with status 1, saying how
 *       many lines were sent and how many were not;
 *   <li>{@code consume TOPIC [bootstrap]}: prints every committed value from the topic's beginning,
 *       then follows it until Ctrl-C.
 * </ul>
 *
 * The bootstrap servers default to the local broker's {@code 127.0.0.1:9092}.
 */
public final class KafkaLines {

  private static final String DEFAULT_BOOTSTRAP = "127.0.0.1:" + LocalKafkaBroker.DEFAULT_PORT;

  /**
   * How long lines that could not be sent (a topic not there yet, a broker starting) are tried
   * again before the producer gives up, saying how many were not sent.
   */
  private static final Duration RETRY_FOR = Duration.ofMinutes(2);

  /** Most lines in one round of sends. */
  private static final int CHUNK = 1000;

  private KafkaLines() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("Arguments: produce|consume TOPIC [bootstrap servers]");
      System.exit(2);
    }
    String topic = args[1];
    String bootstrap = args.length == 3 ? args[2] : DEFAULT_BOOTSTRAP;
    switch (args[0]) {
      case "produce" -> System.err.println("Sent " + produce(bootstrap, topic) + " lines.");
      case "consume" -> consume(bootstrap, topic);
      default -> {
        System.err.println("Unknown command '" + args[0] + "': produce or consume");
        System.exit(2);
      }
    }
  }

  private static long produce(String bootstrap, String topic) throws Exception {
    long sent = 0;
    try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class));
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      LineSender sender = new LineSender(producer, topic, RETRY_FOR, System.err::println);
      List<String> chunk = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        chunk.add(line);
        // Typed lines go out as they come; piped ones in chunks.
        if (chunk.size() == CHUNK || !in.ready()) {
          sent += sendChunk(sender, chunk, sent);
        }
      }
      sent += sendChunk(sender, chunk, sent);
    }
    return sent;
  }

  /** Sends and clears {@code chunk}; on failure says how many lines went before it, and exits. */
  private static int sendChunk(LineSender sender, List<String> chunk, long sentBefore)
      throws InterruptedException {
    if (chunk.isEmpty()) {
      return 0;
    }
    try {
      sender.send(chunk);
    } catch (UnsentLinesException e) {
      long sent = sentBefore + chunk.size() - e.unsent();
      System.err.println("Sent " + sent + " lines; " + e.getMessage());
      System.exit(1);
    }
    int size = chunk.size();
    chunk.clear();
    return size;
  }

  private static void consume(String bootstrap, String topic) {
    try (CommittedLines lines = new CommittedLines(bootstrap, topic)) {
      while (true) {
        lines.poll(Duration.ofSeconds(1)).forEach(System.out::println);
      }
    }
  }
}
