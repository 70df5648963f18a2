package dev.microbatch.spark;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Options of the Spark backend. {@code reuseSparkContext} has the name, type and default of Beam's
 * SparkRunner option, so both runners' options live on one classpath and mean the same.
 */
public interface SparkBackendOptions extends PipelineOptions {

  @Description(
      "Keep the Spark context open when the pipeline ends and use it for the next one in this"
          + " JVM (tests, notebooks); otherwise each run starts and stops its own.")
  @Default.Boolean(false)
  boolean getReuseSparkContext();

  void setReuseSparkContext(boolean value);
}
