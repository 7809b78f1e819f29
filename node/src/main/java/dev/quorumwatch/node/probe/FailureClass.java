package dev.quorumwatch.node.probe;

import org.apache.ratis.thirdparty.io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Names why a probe failed, in the words operators search logs for. */
public final class FailureClass {
  public static final String TIMEOUT = "timeout";
  public static final String REFUSED = "refused";
  public static final String DNS = "dns";
  public static final String TLS = "tls";
  public static final String HTTP_STATUS = "http_status";
  public static final String RESET = "reset";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String BODY_MISMATCH = "body_mismatch";
  public static final String NOT_SERVING = "not_serving";
  public static final String ERROR = "error";
  /** Not the target's: the probe timed out across a stall of this node's own probe loop (LoopStalls). */
  public static final String NODE_STALLED = "node_stalled";

  private FailureClass() {}

  public static String of(Throwable error) {
    Throwable e = unwrap(error);
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return TLS;
      }
    }
    if (e instanceof ConnectTimeoutException || e instanceof TimeoutException || e instanceof InterruptedByTimeoutException) {
      return TIMEOUT;
    }
    if (e instanceof ClosedChannelException) {
      return RESET;
    }
    if (e instanceof ConnectException) {
      return REFUSED;
    }
    if (e instanceof UnknownHostException || e instanceof UnresolvedAddressException) {
      return DNS;
    }
    String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (message.contains("reset") || message.contains("closed") || message.contains("eof")) {
      return RESET;
    }
    return ERROR;
  }

  public static String describe(Throwable error) {
    Throwable e = unwrap(error);
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
