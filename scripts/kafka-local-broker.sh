#!/usr/bin/env bash
# Starts a single-node Kafka broker (KRaft: broker and controller in one JVM) for trying the Kafka
# examples without a Kafka installation: it is built from the Kafka Maven artifacts the project's
# tests already use, so nothing else is downloaded. It listens on 127.0.0.1 only, keeps its data in
# a temporary directory that is deleted when it stops, prints its bootstrap address and runs until
# Ctrl-C.
#
#   scripts/kafka-local-broker.sh [port] [topic[:partitions] ...]
#
# port: the clients' port, 9092 unless given. Each topic given is created at start, with one
# partition unless a count follows its name (topics are not created on first use).
# It runs kafka-tools/target/microbatch-kafka-tools.jar, built on first use (MAVEN_ARGS is passed
# to Maven, e.g. MAVEN_ARGS="-o" to build offline).
set -euo pipefail
source "$(dirname "$0")/lib/runnable-jar.sh"
jar="$(runnable_jar kafka-tools microbatch-kafka-tools.jar)"
exec "$(java_command)" -jar "$jar" "$@"
