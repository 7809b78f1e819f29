package dev.quorumwatch.node.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports free on loopback right now, for listeners started a moment later. They are drawn
 * below the kernel's ephemeral range (32768 and up by default): a port from that range can
 * be taken meanwhile by any outgoing connection, and a node that cannot bind its port stops.
 * A port is handed out once per process: two listeners that are not started yet would
 * otherwise both find the same port free.
 */
public final class FreePorts {
  static final int LOW = 20_000;
  static final int HIGH = 32_000;
  static final int ATTEMPTS_MAX = 200;

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int next() {
    for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (!HANDED_OUT.add(port)) {
        continue; // reserved first, so two threads never both find the same port free
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        HANDED_OUT.remove(port);
      }
    }
    throw new UncheckedIOException(new IOException("no free port in " + LOW + ".." + HIGH + " after " + ATTEMPTS_MAX + " tries"));
  }
}
