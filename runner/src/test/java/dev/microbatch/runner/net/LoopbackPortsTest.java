package dev.microbatch.runner.net;

import static org.junit.Assert.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;

public class LoopbackPortsTest {

  @Test
  public void manyPortsAskedAtOnceAreDistinctAndFreeTogether() throws Exception {
    int[] ports = LoopbackPorts.distinct(100);

    Set<Integer> seen = new HashSet<>();
    for (int port : ports) {
      seen.add(port);
    }
    assertEquals("every port once", ports.length, seen.size());
    // What callers do next: start one server on each, all at once.
    List<ServerSocket> servers = new ArrayList<>();
    try {
      for (int port : ports) {
        servers.add(new ServerSocket(port, 1, InetAddress.getByName(LoopbackPorts.HOST)));
      }
    } finally {
      for (ServerSocket server : servers) {
        server.close();
      }
    }
    assertEquals(ports.length, servers.size());
  }
}
