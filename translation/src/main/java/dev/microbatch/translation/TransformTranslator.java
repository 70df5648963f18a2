package dev.microbatch.translation;

import org.apache.beam.sdk.runners.AppliedPTransform;

/** Translates one kind of Beam transform, identified by its URN, into DStreams and fused steps. */
public interface TransformTranslator {

  /**
   * Whether this translator handles this application. A composite that is declined is expanded and
   * its parts are translated instead (e.g. Combine when it cannot be lifted).
   */
  default boolean canTranslate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) {
    return true;
  }

  void translate(AppliedPTransform<?, ?, ?> transform, TranslationContext context) throws Exception;
}
