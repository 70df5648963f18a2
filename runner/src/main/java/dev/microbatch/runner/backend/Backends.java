package dev.microbatch.runner.backend;

import dev.microbatch.runner.InvalidOptionException;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.dstream.Backend;
import dev.microbatch.runner.dstream.DStreamGraph;
import dev.microbatch.runner.dstream.LocalBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.beam.sdk.util.common.ReflectHelpers;

/** Chooses a run's backend from {@code --clusterMaster}: unset is this JVM's thread pool. */
public final class Backends {

  private Backends() {}

  /**
   * Checks that a backend on the classpath understands {@code --clusterMaster}, so that a wrong
   * value fails when the runner is created, before anything runs.
   */
  public static void validate(MicroBatchPipelineOptions options) {
    provider(options);
  }

  public static Backend create(MicroBatchPipelineOptions options, DStreamGraph graph) {
    BackendProvider provider = provider(options);
    return provider == null ? new LocalBackend() : provider.create(options, graph);
  }

  private static BackendProvider provider(MicroBatchPipelineOptions options) {
    String master = options.getClusterMaster();
    if (master == null) {
      return null;
    }
    List<String> known = new ArrayList<>();
    // The context class loader, as for Beam's registrars: it sees the application jar's providers.
    for (BackendProvider provider :
        ServiceLoader.load(BackendProvider.class, ReflectHelpers.findClassLoader())) {
      if (provider.accepts(master)) {
        return provider;
      }
      known.add(provider.name() + ": " + provider.masterForms());
    }
    throw new InvalidOptionException(
        "clusterMaster",
        master,
        known.isEmpty()
            ? "no cluster backend is on the classpath; for a Spark cluster add the"
                + " dev.microbatch:microbatch-spark artifact, or leave the option unset to run in"
                + " this JVM"
            : "no backend on the classpath understands it; known forms: " + String.join("; ", known));
  }
}
