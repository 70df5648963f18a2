package dev.microbatch.compat;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import dev.microbatch.examples.ExactlyOnceKafkaJob;
import dev.microbatch.examples.KafkaWordCount;
import dev.microbatch.examples.StreamingWordCount;
import dev.microbatch.examples.WordCount;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

/**
 * Beam refuses every runner's options once two getters of one name differ in return type or
 * {@code @Default}; so each of our getters that another runner also declares is declared alike.
 */
public class SharedOptionNamesTest {

  private static final List<Class<? extends PipelineOptions>> OURS =
      List.of(
          MicroBatchPipelineOptions.class,
          WordCount.Options.class,
          StreamingWordCount.Options.class,
          KafkaWordCount.Options.class,
          ExactlyOnceKafkaJob.Options.class);

  /** A getter that is our {@code --name} and another runner's, declared differently. */
  record Clash(Method ours, Method theirs) {
    @Override
    public String toString() {
      return describe(ours) + " vs " + describe(theirs);
    }

    private static String describe(Method getter) {
      return getter.getDeclaringClass().getName()
          + "."
          + getter.getName()
          + "(): "
          + getter.getReturnType().getSimpleName()
          + " "
          + defaults(getter);
    }
  }

  @Test
  public void everyGetterAnotherRunnerDeclaresIsDeclaredAlike() {
    Set<Class<? extends PipelineOptions>> theirs =
        PipelineOptionsFactory.getRegisteredOptions().stream()
            .filter(options -> !options.getName().startsWith("dev.microbatch."))
            .collect(Collectors.toSet());
    assertThat(
        theirs,
        hasItems(FlinkPipelineOptions.class, SparkPipelineOptions.class, DirectOptions.class));

    List<Method> shared = new ArrayList<>();
    List<Clash> clashes = new ArrayList<>();
    for (Class<? extends PipelineOptions> ourOptions : OURS) {
      for (Method ours : getters(ourOptions)) {
        for (Class<? extends PipelineOptions> theirOptions : theirs) {
          for (Method other : getters(theirOptions)) {
            if (other.getName().equals(ours.getName())
                && !other.getDeclaringClass().isAssignableFrom(ours.getDeclaringClass())) {
              shared.add(ours);
              if (!other.getReturnType().equals(ours.getReturnType())
                  || !defaults(other).equals(defaults(ours))) {
                clashes.add(new Clash(ours, other));
              }
            }
          }
        }
      }
    }

    // parallelism (Flink), batchIntervalMillis and maxRecordsPerBatch (Spark) at least.
    assertThat(shared, not(empty()));
    assertEquals(List.of(), clashes);
  }

  /** What this says of a future --sparkMaster: only Spark's own declaration of it loads. */
  @Test
  public void aSparkMasterOptionLoadsOnlyAsSparkDeclaresIt() {
    assertEquals(
        "local[4]", PipelineOptionsFactory.as(SparkMasterAsSparkDeclaresIt.class).getSparkMaster());
    IllegalArgumentException otherDefault =
        assertThrows(
            IllegalArgumentException.class,
            () -> PipelineOptionsFactory.as(SparkMasterWithAnotherDefault.class));
    assertThat(otherDefault.getMessage(), containsString("sparkMaster"));
    IllegalArgumentException noDefault =
        assertThrows(
            IllegalArgumentException.class,
            () -> PipelineOptionsFactory.as(SparkMasterWithoutDefault.class));
    assertThat(noDefault.getMessage(), containsString("sparkMaster"));
  }

  /** Declared as Beam's SparkCommonPipelineOptions declares it. */
  public interface SparkMasterAsSparkDeclaresIt extends PipelineOptions {
    @Default.String("local[4]")
    String getSparkMaster();

    void setSparkMaster(String value);
  }

  public interface SparkMasterWithAnotherDefault extends PipelineOptions {
    @Default.String("local[*]")
    String getSparkMaster();

    void setSparkMaster(String value);
  }

  public interface SparkMasterWithoutDefault extends PipelineOptions {
    String getSparkMaster();

    void setSparkMaster(String value);
  }

  private static List<Method> getters(Class<?> options) {
    return Arrays.stream(options.getMethods())
        .filter(m -> m.getParameterCount() == 0)
        .filter(m -> m.getName().startsWith("get") || m.getName().startsWith("is"))
        .collect(Collectors.toList());
  }

  private static Set<String> defaults(Method getter) {
    return Arrays.stream(getter.getAnnotations())
        .filter(a -> a.annotationType().getEnclosingClass() == Default.class)
        .map(Annotation::toString)
        .collect(Collectors.toSet());
  }
}
