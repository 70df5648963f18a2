/**
 * The WordCount benchmark of MicroBatchRunner against Beam's DirectRunner. It lives with the test
 * sources because the DirectRunner is a test-scope dependency of the examples and must stay one;
 * its class names do not end in "Test", so surefire never runs it as part of a build.
 */
package dev.microbatch.examples.bench;
