package dev.microbatch.runner;

import com.google.auto.service.AutoService;
import dev.microbatch.runner.status.MonitoringOptions;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.ImmutableList;

/** Makes {@code --runner=MicroBatchRunner} and {@code --runner=TestMicroBatchRunner} resolve. */
public final class MicroBatchRunnerRegistrar {

  private MicroBatchRunnerRegistrar() {}

  /** Registers the runners by their simple names. */
  @AutoService(PipelineRunnerRegistrar.class)
  public static final class Runner implements PipelineRunnerRegistrar {
    @Override
    public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
      return ImmutableList.of(MicroBatchRunner.class, TestMicroBatchRunner.class);
    }
  }

  /** Registers {@link MicroBatchPipelineOptions} and {@link MonitoringOptions}: their flags parse. */
  @AutoService(PipelineOptionsRegistrar.class)
  public static final class Options implements PipelineOptionsRegistrar {
    @Override
    public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
      return ImmutableList.of(MicroBatchPipelineOptions.class, MonitoringOptions.class);
    }
  }
}
