package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.io.IOException;

/** Where checkpointed keyed state goes as it is read back, one key at a time. */
public interface StateSink {

  void put(StoreId store, KeyBytes key, byte[] state) throws IOException;

  void remove(StoreId store, KeyBytes key) throws IOException;
}
