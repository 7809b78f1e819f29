package dev.quorumwatch.harness.links;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/** Which local process opened a loopback connection (Linux /proc), for {@link LinkProxies}. */
final class SocketOwners {
  private SocketOwners() {}

  /** The index of the node whose process holds the other end of {@code accepted}, or -1. */
  static int nodeOf(Socket accepted, int nodes, IntFunction<Long> pidOfNode) {
    int clientPort = ((InetSocketAddress) accepted.getRemoteSocketAddress()).getPort();
    int serverPort = accepted.getLocalPort();
    String inode = inodeOf(clientPort, serverPort);
    if (inode == null) {
      return -1;
    }
    String link = "socket:[" + inode + "]";
    for (int i = 0; i < nodes; i++) {
      long pid = pidOfNode.apply(i);
      if (pid > 0 && holds(pid, link)) {
        return i;
      }
    }
    return -1;
  }

  /** The socket inode of the connection from local port {@code clientPort} to {@code serverPort}. */
  private static String inodeOf(int clientPort, int serverPort) {
    String local = String.format(Locale.ROOT, ":%04X", clientPort);
    String remote = String.format(Locale.ROOT, ":%04X", serverPort);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote)) {
            return f[9];
          }
        }
      } catch (IOException e) {
        // not Linux: links cannot be told apart
      }
    }
    return null;
  }

  private static boolean holds(long pid, String link) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(link)) {
            return true;
          }
        } catch (IOException ignored) {
          // the fd closed meanwhile
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    return false;
  }
}
