#!/usr/bin/env bash
# Text lines in and out of a Kafka topic, for trying the Kafka examples by hand:
#
#   scripts/kafka-lines.sh produce TOPIC [bootstrap]  # each line of stdin becomes one record
#   scripts/kafka-lines.sh consume TOPIC [bootstrap]  # prints the committed values from the start,
#                                                     # then follows the topic until Ctrl-C
#
# bootstrap defaults to 127.0.0.1:9092, where scripts/kafka-local-broker.sh listens. produce exits
# non-zero, saying how many lines were sent, if a line could not be sent.
# It runs kafka-tools/target/microbatch-kafka-tools.jar, built on first use (MAVEN_ARGS is passed
# to Maven, e.g. MAVEN_ARGS="-o" to build offline).
set -euo pipefail
source "$(dirname "$0")/lib/runnable-jar.sh"
jar="$(runnable_jar kafka-tools microbatch-kafka-tools.jar)"
exec "$(java_command)" -cp "$jar" dev.microbatch.examples.kafka.KafkaLines "$@"
