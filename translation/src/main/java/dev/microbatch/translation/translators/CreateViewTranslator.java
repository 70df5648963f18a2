package dev.microbatch.translation.translators;

import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.SideInputDStream;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import java.util.function.Supplier;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/** CreatePCollectionView: materializes the view's PCollection for the steps that read it. */
public final class CreateViewTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    View.CreatePCollectionView<?, ?> create =
        (View.CreatePCollectionView<?, ?>) transform.getTransform();
    PCollectionView<?> view = create.getView();
    PCollection<?> input = Translators.onlyInput(transform);
    Supplier<DStream<Object>> parent = context.dstreamOf(input);
    String name = transform.getFullName();
    context.setView(view, () -> new SideInputDStream<>(name, parent.get()), input);
  }
}
