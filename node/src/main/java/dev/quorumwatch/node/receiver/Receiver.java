package dev.quorumwatch.node.receiver;

import dev.quorumwatch.proto.Notification;
import java.util.concurrent.CompletableFuture;

/**
 * One configured receiver, ready to send. The dispatcher owns ordering, retries, fallback and
 * the delivery log; a receiver only turns one notification into its service's request. It
 * completes exceptionally only when nothing came back (a refused connection, a timeout).
 */
public interface Receiver {
  CompletableFuture<Delivery> send(Notification notification, AlertMessage message);
}
