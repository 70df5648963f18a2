#!/usr/bin/env bash
# Text lines in and out of a Kafka topic, for trying the Kafka examples by hand:
#
#   scripts/kafka-lines.sh produce TOPIC [bootstrap]  # each line of stdin becomes one record
#   scripts/kafka-lines.sh consume TOPIC [bootstrap]  # prints the committed values from the start,
#                                                     # then follows the topic until Ctrl-C
#
# bootstrap defaults to 127.0.0.1:9092, where scripts/kafka-local-broker.sh listens.
# MAVEN_ARGS is passed to Maven, e.g. MAVEN_ARGS="-o" to build offline.
set -euo pipefail
source "$(dirname "$0")/lib/examples-classpath.sh"
classpath="$(examples_test_classpath)"
exec "$(java_command)" -cp "$classpath" dev.microbatch.examples.kafka.KafkaLines "$@"
