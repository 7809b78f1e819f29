package dev.quorumwatch.harness.links;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets through the proxies: this test's own process plays node "us-west" (the
 * connection's owner is found in /proc), an echo server plays us-east's Raft port.
 */
class LinkProxiesTest {
  static final List<String> NODES = List.of("us-west", "us-east");
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private Socket connectThrough(WanProfile wan) throws IOException {
    ServerSocket echo = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    open.add(echo);
    Thread server = new Thread(() -> {
      try (Socket s = echo.accept()) {
        s.getInputStream().transferTo(s.getOutputStream());
      } catch (IOException ignored) {
        // closed by the test
      }
    });
    server.setDaemon(true);
    server.start();
    long self = ProcessHandle.current().pid();
    LinkProxies proxies = new LinkProxies(NODES, new int[] {0, echo.getLocalPort()}, i -> i == 0 ? self : -1L, wan);
    open.add(proxies);
    Socket client = new Socket(InetAddress.getLoopbackAddress(), proxies.advertisedPort(1));
    client.setTcpNoDelay(true);
    open.add(client);
    return client;
  }

  private static long roundTripMs(Socket s) throws IOException {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    long start = System.nanoTime();
    out.write(1);
    out.flush();
    assertThat(in.read()).isEqualTo(1);
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void aRoundTripTakesBothOneWayDelays() throws Exception {
    Socket s = connectThrough(WanProfile.parse("us-west:us-east=40ms", NODES));
    roundTripMs(s); // the connection's owner is looked up on its first bytes' way
    List<Long> samples = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      samples.add(roundTripMs(s));
    }
    Collections.sort(samples);
    assertThat(samples.get(2)).as("median of 5 round trips, 2 x 40 ms").isBetween(78L, 110L);
  }

  @Test
  void aLostChunkWaitsARetransmission() throws Exception {
    Socket s = connectThrough(WanProfile.parse("loss=50%", NODES));
    int retransmitted = 0;
    for (int i = 0; i < 10; i++) {
      if (roundTripMs(s) >= 190) {
        retransmitted++;
      }
    }
    // Each round trip loses its request or its answer with probability 3/4; without loss
    // every one takes a millisecond. (The drop pattern is seeded, so the count is fixed.)
    assertThat(retransmitted).as("round trips that waited the 200 ms minimum RTO").isBetween(3, 10);
  }

  /**
   * Jitter makes many chunks due at the same time (none may overtake the one before it);
   * 20,000 writes make enough of them that a queue swapping equal due times fails here.
   */
  @Test
  void jitterAndLossNeverReorderTheStream() throws Exception {
    int writes = 20_000;
    Socket s = connectThrough(WanProfile.parse("us-west:us-east=20ms~20ms,loss=5%", NODES));
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    DataInputStream in = new DataInputStream(s.getInputStream());
    Thread writer = new Thread(() -> {
      try {
        for (int i = 0; i < writes; i++) {
          out.writeInt(i);
          out.flush();
        }
      } catch (IOException ignored) {
        // the reader fails the test
      }
    });
    writer.start();
    for (int i = 0; i < writes; i++) {
      assertThat(in.readInt()).isEqualTo(i);
    }
    writer.join(10_000);
  }
}
