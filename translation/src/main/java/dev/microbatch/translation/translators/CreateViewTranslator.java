package dev.microbatch.translation.translators;

import dev.microbatch.runner.dstream.DStream;
import dev.microbatch.runner.dstream.SideInputDStream;
import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.LatestPaneRetention;
import dev.microbatch.translation.runtime.WindowedValuesCodec;
import java.util.function.Supplier;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * CreatePCollectionView: materializes the view's PCollection for the steps that read it. A view of
 * a triggered PCollection shows each window's latest firing; otherwise a window shows everything.
 */
public final class CreateViewTranslator implements TransformTranslator {

  @Override
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    View.CreatePCollectionView<?, ?> create =
        (View.CreatePCollectionView<?, ?>) transform.getTransform();
    PCollectionView<?> view = create.getView();
    PCollection<?> input = Translators.onlyInput(transform);
    Supplier<DStream<Object>> parent = context.dstreamOf(input);
    String name = transform.getFullName();
    SideInputDStream.Retention<Object> retention =
        input.getWindowingStrategy().getTrigger() instanceof DefaultTrigger
            ? SideInputDStream.Retention.all()
            : new LatestPaneRetention();
    WindowedValuesCodec codec =
        new WindowedValuesCodec(
            input.getCoder(), input.getWindowingStrategy().getWindowFn().windowCoder());
    context.setView(
        view, () -> new SideInputDStream<>(name, parent.get(), retention, codec), input);
  }
}
