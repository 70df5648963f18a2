package dev.microbatch.translation.runtime;

import dev.microbatch.runner.shuffle.ByteRangeInput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.ReadableState;

/**
 * A bag cell that holds its values encoded with the bag's coder, one byte array for the whole bag,
 * decoded as its contents are iterated. A GroupByKey buffers every value of a key's window in a bag
 * until its trigger fires, often for the whole batch: as objects, every young collection would copy
 * them one by one, and the collector sizes the heap by that work (batch q10's 40,000-event panes).
 * Values are copied as they are added, as a checkpoint or any encoding state backend would see
 * them.
 *
 * <p>{@link #read()} is a view of the values added so far: adding appends past it, and clearing
 * starts a new array, so an iterable handed downstream stays valid after the cell moves on.
 */
final class EncodedBag<T>
    implements BagState<T>, InMemoryStateInternals.InMemoryState<EncodedBag<T>> {

  private static final byte[] NONE = new byte[0];

  private final Coder<T> coder;
  private final Buffer buffer = new Buffer();
  private int count;

  EncodedBag(Coder<T> coder) {
    this.coder = coder;
  }

  @Override
  public void add(T value) {
    // What a coder wrote before it failed is not a value: the bag stays as it was.
    int before = buffer.length;
    try {
      coder.encode(value, buffer);
    } catch (IOException e) {
      buffer.length = before;
      throw new UncheckedIOException("Cannot encode a value added to a bag with " + coder, e);
    } catch (RuntimeException e) {
      buffer.length = before;
      throw e;
    }
    count++;
  }

  @Override
  public Iterable<T> read() {
    byte[] bytes = buffer.bytes;
    int length = buffer.length;
    int values = count;
    return () -> new Values(bytes, length, values);
  }

  @Override
  public void clear() {
    buffer.bytes = NONE;
    buffer.length = 0;
    count = 0;
  }

  @Override
  public ReadableState<Boolean> isEmpty() {
    return new ReadableState<>() {
      @Override
      public Boolean read() {
        return count == 0;
      }

      @Override
      public ReadableState<Boolean> readLater() {
        return this;
      }
    };
  }

  @Override
  public EncodedBag<T> readLater() {
    return this;
  }

  @Override
  public boolean isCleared() {
    return count == 0;
  }

  @Override
  public EncodedBag<T> copy() {
    EncodedBag<T> copy = new EncodedBag<>(coder);
    copy.buffer.bytes = Arrays.copyOf(buffer.bytes, buffer.length);
    copy.buffer.length = buffer.length;
    copy.count = count;
    return copy;
  }

  /** The bag's bytes; appends never change what a view taken before them covers. */
  private static final class Buffer extends OutputStream {
    byte[] bytes = NONE;
    int length;

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(Math.max(64, bytes.length * 2), length + more));
      }
    }

    @Override
    public void write(int b) {
      ensure(1);
      bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, length, len);
      length += len;
    }
  }

  /** Decodes a view's values one at a time. */
  private final class Values implements Iterator<T> {
    private final ByteRangeInput in = new ByteRangeInput();
    private int left;

    Values(byte[] bytes, int length, int values) {
      in.reset(bytes, 0, length);
      this.left = values;
    }

    @Override
    public boolean hasNext() {
      return left > 0;
    }

    @Override
    public T next() {
      if (left == 0) {
        throw new NoSuchElementException();
      }
      left--;
      try {
        return coder.decode(in);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot decode a value of a bag with " + coder, e);
      }
    }
  }
}
