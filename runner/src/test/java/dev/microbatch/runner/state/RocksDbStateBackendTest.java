package dev.microbatch.runner.state;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.microbatch.runner.shuffle.KeyBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** RocksDB working directories do not outlive their JVM, even one killed with SIGKILL. */
public class RocksDbStateBackendTest {

  @Rule public TemporaryFolder local = new TemporaryFolder();

  @Test
  public void aDirectoryLeftByAJvmThatIsGoneIsDeletedWhenAnotherOpensItsDatabase()
      throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path root = local.getRoot().toPath();
    Path left = Files.createDirectories(root.resolve("microbatch-rocksdb-pid" + gone.pid() + "-0-1"));
    Files.writeString(left.resolve("000001.sst"), "state of a killed run");
    Path older = Files.createDirectories(root.resolve("microbatch-rocksdb-0-12345"));
    Path live =
        Files.createDirectories(
            root.resolve("microbatch-rocksdb-pid" + ProcessHandle.current().pid() + "-7-1"));

    StateBackend backend = new StateBackendSpec(StateBackendKind.ROCKSDB, root.toString()).open();
    try (StateStores stores = new StateStores(backend, true)) {
      stores
          .store("Stage", 0, new CountCodec())
          .getOrCreate(new KeyBytes(new byte[] {1}), k -> new long[1]);

      assertFalse("left by a JVM that is gone", Files.exists(left));
      assertTrue("this JVM's own", Files.exists(live));
      assertTrue("not named by this release: not known to be left over", Files.exists(older));
    }
  }
}
