package dev.quorumwatch.node.probe;

import org.apache.ratis.thirdparty.io.netty.channel.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Kept-alive probe connections waiting for their next request, per pool key (origin and TLS
 * setting), newest first. Bounded both ways: redirects can name any origin, so the number of
 * keys is capped as well as the connections per key; a connection beyond either is closed.
 */
final class IdleConnections implements AutoCloseable {
  static final int PER_KEY_MAX = 64;
  /** Origins with pooled connections: the targets' own, plus room for redirects. */
  static final int KEYS_MAX = 4096;

  private final Map<String, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();

  /** A live idle connection for this key, or null. */
  Channel take(String key) {
    ConcurrentLinkedDeque<Channel> pool = idle.get(key);
    if (pool == null) {
      return null;
    }
    Channel ch;
    while ((ch = pool.pollFirst()) != null) {
      if (ch.isActive()) {
        return ch;
      }
    }
    return null;
  }

  /** Keeps a connection whose exchange is over for the next probe to the same key, if there is room. */
  void offer(String key, Channel ch) {
    if (!idle.containsKey(key) && idle.size() >= KEYS_MAX) {
      ch.close();
      return;
    }
    ConcurrentLinkedDeque<Channel> pool = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
    if (pool.size() >= PER_KEY_MAX) {
      ch.close();
    } else {
      pool.addFirst(ch);
    }
  }

  @Override
  public void close() {
    idle.values().forEach(pool -> pool.forEach(Channel::close));
    idle.clear();
  }
}
