package dev.microbatch.runner.state;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.After;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/** Specs that hold for every state backend: each runs once per backend, on stores closed after. */
@RunWith(Parameterized.class)
public abstract class EveryBackend {

  @Parameterized.Parameters(name = "{0}")
  public static Object[] backends() {
    return StateBackendKind.values();
  }

  @Parameterized.Parameter public StateBackendKind backend;

  @Rule public TemporaryFolder local = new TemporaryFolder();

  private final List<StateStores> opened = new ArrayList<>();

  /** Checkpointed stores of the backend under test. */
  protected StateStores stores() {
    StateStores stores =
        new StateStores(new StateBackendSpec(backend, local.getRoot().toString()).open(), true);
    opened.add(stores);
    return stores;
  }

  protected <S> KeyedStateStore<S> newStore(StateCodec<S> codec) {
    return stores().store("Stage", 0, codec);
  }

  @After
  public void closeStores() {
    opened.forEach(StateStores::close);
  }

  protected static KeyBytes key(int i) {
    return new KeyBytes(("key-" + i).getBytes(StandardCharsets.UTF_8));
  }

  protected static Set<String> names(Iterable<KeyBytes> keys) {
    Set<String> names = new TreeSet<>();
    keys.forEach(k -> names.add(new String(k.bytes(), StandardCharsets.UTF_8)));
    return names;
  }
}
