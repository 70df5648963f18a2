package dev.microbatch.translation;

import com.google.auto.service.AutoService;
import dev.microbatch.runner.MicroBatchPipelineOptions;
import dev.microbatch.runner.PipelineTranslator;
import dev.microbatch.runner.dstream.DStreamGraph;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;

/**
 * Translates a Beam pipeline into a DStream graph: applies the runner's overrides, then walks the
 * pipeline in topological order, handing each transform to the translator of its URN. A composite
 * with a translator is translated whole; otherwise its parts are. A primitive without one fails
 * here, with its name and URN.
 */
@AutoService(PipelineTranslator.class)
public final class MicroBatchPipelineTranslator implements PipelineTranslator {

  @Override
  public DStreamGraph translate(Pipeline pipeline, MicroBatchPipelineOptions options) {
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    if (!options.isStreaming() && hasUnboundedCollection(pipeline)) {
      // An unbounded PCollection makes the run a streaming one, whatever the option said.
      options.setStreaming(true);
    }
    pipeline.replaceAll(overrides());
    TranslationContext context = new TranslationContext(options);
    TranslatorRegistry registry = TranslatorRegistry.standard();
    pipeline.traverseTopologically(new Visitor(registry, context));
    return context.buildGraph();
  }

  private static boolean hasUnboundedCollection(Pipeline pipeline) {
    boolean[] found = {false};
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            if (value instanceof PCollection<?> collection
                && collection.isBounded() == PCollection.IsBounded.UNBOUNDED) {
              found[0] = true;
            }
          }
        });
    return found[0];
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static List<PTransformOverride> overrides() {
    return List.of(
        PTransformOverride.of(
            PTransformMatchers.splittableParDo(), new SplittableParDo.OverrideFactory()),
        PTransformOverride.of(
            PTransformMatchers.urnEqualTo(PTransformTranslation.SPLITTABLE_PROCESS_KEYED_URN),
            (org.apache.beam.sdk.runners.PTransformOverrideFactory)
                new SplittableProcessOverride()));
  }

  private static final class Visitor extends Pipeline.PipelineVisitor.Defaults {
    private final TranslatorRegistry registry;
    private final TranslationContext context;

    Visitor(TranslatorRegistry registry, TranslationContext context) {
      this.registry = registry;
      this.context = context;
    }

    @Override
    public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
      if (node.isRootNode()) {
        return CompositeBehavior.ENTER_TRANSFORM;
      }
      Optional<TransformTranslator> translator = translatorFor(node);
      if (translator.isPresent()
          && translator.get().canTranslate(node.toAppliedPTransform(getPipeline()), context)) {
        translate(node, translator.get());
        return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
      }
      return CompositeBehavior.ENTER_TRANSFORM;
    }

    @Override
    public void visitPrimitiveTransform(TransformHierarchy.Node node) {
      String urn = TranslatorRegistry.urnOf(node.getTransform());
      TransformTranslator translator =
          translatorFor(node)
              .orElseThrow(
                  () ->
                      new UnsupportedTransformException(
                          node.getFullName(),
                          urn == null
                              ? "none (" + node.getTransform().getClass().getName() + ")"
                              : urn,
                          "no translator for this primitive transform"));
      translate(node, translator);
    }

    private Optional<TransformTranslator> translatorFor(TransformHierarchy.Node node) {
      return registry.forTransform(node.getTransform());
    }

    private void translate(TransformHierarchy.Node node, TransformTranslator translator) {
      try {
        translator.translate(node.toAppliedPTransform(getPipeline()), context);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("Cannot translate " + node.getFullName(), e);
      }
    }
  }
}
