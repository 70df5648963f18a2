package dev.microbatch.translation.translators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Collections that the parts of a composite produce. A translator that replaces a composite whole
 * must still produce those of them that the rest of the pipeline reads, though the composite does
 * not list them as outputs (an error collection handed to an error handler, for one).
 */
final class InnerOutputs {

  private InnerOutputs() {}

  /** The collections that parts of {@code composite} output under {@code tag}, each once. */
  static List<PCollection<?>> tagged(AppliedPTransform<?, ?, ?> composite, TupleTag<?> tag) {
    String prefix = composite.getFullName() + "/";
    Set<PCollection<?>> found = Collections.newSetFromMap(new IdentityHashMap<>());
    List<PCollection<?>> ordered = new ArrayList<>();
    composite
        .getPipeline()
        .traverseTopologically(
            new Pipeline.PipelineVisitor.Defaults() {
              @Override
              public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
                collect(node);
                return CompositeBehavior.ENTER_TRANSFORM;
              }

              @Override
              public void visitPrimitiveTransform(TransformHierarchy.Node node) {
                collect(node);
              }

              private void collect(TransformHierarchy.Node node) {
                if (node.isRootNode() || !node.getFullName().startsWith(prefix)) {
                  return;
                }
                node.getOutputs()
                    .forEach(
                        (outputTag, collection) -> {
                          if (outputTag.equals(tag) && found.add(collection)) {
                            ordered.add(collection);
                          }
                        });
              }
            });
    return ordered;
  }
}
