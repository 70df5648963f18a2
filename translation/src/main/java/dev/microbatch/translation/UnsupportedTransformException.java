package dev.microbatch.translation;

/** A transform the runner cannot execute, named with its full name and URN. */
public final class UnsupportedTransformException extends UnsupportedOperationException {

  public UnsupportedTransformException(String fullName, String urn, String reason) {
    super("MicroBatchRunner cannot run transform '" + fullName + "' (URN " + urn + "): " + reason);
  }
}
