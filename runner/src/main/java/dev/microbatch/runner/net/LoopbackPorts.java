package dev.microbatch.runner.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free ports on the loopback address, for servers that must be told their port up front. */
public final class LoopbackPorts {

  /** The address every server the project starts itself listens on. */
  public static final String HOST = "127.0.0.1";

  private LoopbackPorts() {}

  /**
   * {@code count} distinct ports free on {@link #HOST} when this returns. Every socket stays open
   * until all ports are known: asked one after another, the OS may hand out the same port twice
   * (it did, and a Kafka broker refused two listeners on one port).
   */
  public static int[] distinct(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }
}
