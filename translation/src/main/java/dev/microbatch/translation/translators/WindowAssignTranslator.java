package dev.microbatch.translation.translators;

import dev.microbatch.translation.TransformTranslator;
import dev.microbatch.translation.TranslationContext;
import dev.microbatch.translation.runtime.PassThroughStep;
import dev.microbatch.translation.runtime.WindowAssignStep;
import java.util.List;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Window.Assign: a fused step assigning windows (or passing elements on, if only the trigger
 * changed).
 */
public final class WindowAssignTranslator implements TransformTranslator {

  @Override
  @SuppressWarnings("unchecked")
  public void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    Window.Assign<?> assign = (Window.Assign<?>) transform.getTransform();
    WindowFn<Object, BoundedWindow> windowFn =
        (WindowFn<Object, BoundedWindow>) assign.getWindowFn();
    TupleTag<?> tag = Translators.onlyOutputTag(transform);
    WindowAssignStep.Spec spec = new WindowAssignStep.Spec(windowFn, tag);
    context.addFusedStep(
        transform.getFullName(),
        Translators.onlyInput(transform),
        windowFn == null
            ? env -> new PassThroughStep(env.output(tag))
            : env -> new WindowAssignStep(spec, env),
        Translators.outputs(transform),
        List.of());
  }
}
