package dev.quorumwatch.harness.links;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The network between the nodes, made controllable. Every node's Raft port is advertised to
 * its peers as a proxy port here, and each accepted connection is traced to the node process
 * that opened it (Linux: the client's port in /proc/net/tcp*, its socket inode in
 * /proc/PID/fd), so every connection is known by source and destination node. A directed
 * link {@code a → b} can then be cut (a's connections to b are closed and new ones hang, as
 * if packets were dropped), slowed, or healed; under all that, a {@link WanProfile} gives every
 * link its wide-area delay, jitter and loss. A one-way cut stops a's requests to b; b's
 * requests to a, and a's answers to them, still flow. (gRPC's proxy support cannot do this:
 * Ratis turns proxy detection off for its channels.)
 */
public final class LinkProxies implements AutoCloseable {
  private final List<String> nodeIds;
  private final int[] raftPorts;
  private final IntFunction<Long> pidOfNode;
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final boolean[][] cut;
  private final long[][] latencyMs;
  private final List<Tunnel> tunnels = new CopyOnWriteArrayList<>();
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final WanProfile wan;
  private volatile boolean closed;

  /** One proxied connection from one node to another. */
  private final class Tunnel {
    final int from;
    final int to;
    final Socket client;
    final Socket upstream;

    Tunnel(int from, int to, Socket client, Socket upstream) {
      this.from = from;
      this.to = to;
      this.client = client;
      this.upstream = upstream;
    }

    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
      tunnels.remove(this);
    }
  }

  /**
   * @param nodeIds node ids by index
   * @param raftPorts each node's real Raft port, by index
   * @param pidOfNode the process id of node i while it runs, else -1
   * @param wan the wide-area delay, jitter and loss every link has, under any fault
   */
  public LinkProxies(List<String> nodeIds, int[] raftPorts, IntFunction<Long> pidOfNode, WanProfile wan)
      throws IOException {
    this.nodeIds = List.copyOf(nodeIds);
    this.raftPorts = raftPorts.clone();
    this.pidOfNode = pidOfNode;
    int n = nodeIds.size();
    this.cut = new boolean[n][n];
    this.latencyMs = new long[n][n];
    this.wan = wan;
    for (int i = 0; i < n; i++) {
      ServerSocket listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
      listeners.add(listener);
      int to = i;
      daemon("qw-proxy-accept-" + nodeIds.get(i), () -> accept(to, listener));
    }
  }

  /** The port peers should use to reach node {@code i}'s Raft server. */
  public int advertisedPort(int i) {
    return listeners.get(i).getLocalPort();
  }

  public synchronized void cut(int from, int to) {
    cut[from][to] = true;
    for (Tunnel t : tunnels) {
      if (t.from == from && t.to == to) {
        t.close();
      }
    }
  }

  /** Cuts both directions between every node in {@code side} and every node not in it. */
  public synchronized void isolate(int... side) {
    for (int a = 0; a < nodeIds.size(); a++) {
      for (int b = 0; b < nodeIds.size(); b++) {
        if (contains(side, a) != contains(side, b)) {
          cut(a, b);
        }
      }
    }
  }

  public synchronized void setLatency(int from, int to, long ms) {
    latencyMs[from][to] = ms;
  }

  public synchronized boolean isCut(int from, int to) {
    return cut[from][to];
  }

  /** Restores every link and removes all latency; connections left hanging are closed so clients retry. */
  public synchronized void healAll() {
    for (boolean[] row : cut) {
      Arrays.fill(row, false);
    }
    for (long[] row : latencyMs) {
      Arrays.fill(row, 0);
    }
    for (Socket s : held) {
      closeQuietly(s);
    }
    held.clear();
  }

  private static boolean contains(int[] side, int i) {
    for (int s : side) {
      if (s == i) {
        return true;
      }
    }
    return false;
  }

  private void accept(int to, ServerSocket listener) {
    while (!closed) {
      try {
        Socket client = listener.accept();
        daemon("qw-proxy-connect", () -> connect(client, to));
      } catch (IOException e) {
        if (!closed) {
          sleepQuietly(10);
        }
      }
    }
  }

  private void connect(Socket client, int to) {
    try {
      int from = SocketOwners.nodeOf(client, nodeIds.size(), pidOfNode);
      synchronized (this) {
        if (from >= 0 && cut[from][to]) {
          held.add(client); // like a dropped SYN: the caller waits until it gives up
          return;
        }
      }
      Socket upstream = new Socket();
      upstream.setTcpNoDelay(true);
      upstream.connect(new InetSocketAddress("127.0.0.1", raftPorts[to]), 5_000);
      client.setTcpNoDelay(true);
      Tunnel tunnel = new Tunnel(from, to, client, upstream);
      tunnels.add(tunnel);
      synchronized (this) {
        if (from >= 0 && cut[from][to]) {
          tunnel.close(); // cut while we connected
          return;
        }
      }
      daemon("qw-proxy-up", () -> pump(tunnel, client, upstream, true));
      daemon("qw-proxy-down", () -> pump(tunnel, upstream, client, false));
    } catch (IOException | RuntimeException e) {
      closeQuietly(client);
    }
  }

  /**
   * Copies bytes one way, holding each chunk back by the link's current latency plus its
   * wide-area delay, jitter and (for a lost chunk) retransmission; never sooner than the chunk
   * before it, since a TCP stream arrives in order. Due times never decrease, so a FIFO queue
   * keeps them in order; a priority queue would not, as it may swap chunks due at the same time
   * and so corrupt the stream.
   */
  private void pump(Tunnel tunnel, Socket source, Socket sink, boolean forward) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    SplittableRandom random = new SplittableRandom(31L * tunnel.from + tunnel.to + (forward ? 7 : 0));
    long lastDueNs = 0;
    Thread writer = daemon("qw-proxy-write", () -> {
      try {
        OutputStream out = sink.getOutputStream();
        while (true) {
          Chunk c = queue.take();
          c.awaitDue();
          if (c.bytes == null) {
            break;
          }
          out.write(c.bytes);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the tunnel is closing
      } finally {
        tunnel.close();
      }
    });
    try {
      InputStream in = source.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        long delayMs = tunnel.from < 0 ? 0 : forward ? delayMs(tunnel.from, tunnel.to, random)
            : delayMs(tunnel.to, tunnel.from, random);
        lastDueNs = Math.max(lastDueNs, System.nanoTime() + delayMs * 1_000_000);
        queue.add(new Chunk(Arrays.copyOf(buffer, read), lastDueNs));
      }
    } catch (IOException e) {
      // closed
    } finally {
      // The end of the stream goes after the last delayed chunk, never before it.
      queue.add(new Chunk(null, lastDueNs));
      if (!writer.isAlive()) {
        tunnel.close();
      }
    }
  }

  private long delayMs(int from, int to, SplittableRandom random) {
    WanProfile.Link link = wan.link(from, to);
    long delay = latencyMs[from][to] + link.delayMs();
    if (link.jitterMs() > 0) {
      delay += random.nextLong(-link.jitterMs(), link.jitterMs() + 1);
    }
    if (link.loss() > 0 && random.nextDouble() < link.loss()) {
      delay += wan.retransmitMs(from, to);
    }
    return Math.max(0, delay);
  }

  /** Bytes read from one side, to be written to the other at {@code dueNs}; null bytes end the stream. */
  private record Chunk(byte[] bytes, long dueNs) {
    void awaitDue() throws InterruptedException {
      long waitNs;
      while ((waitNs = dueNs - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.sleep(waitNs);
      }
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket l : listeners) {
      try {
        l.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    healAll();
    tunnels.forEach(Tunnel::close);
  }
}
