package dev.quorumwatch.harness.links;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wide-area network between the nodes, for benchmarks and fault runs on one machine: per
 * directed link a one-way delay, a jitter (each chunk's delay drawn uniformly within ±jitter,
 * never reordering the stream) and a loss rate (a lost chunk, and all behind it, waits a TCP
 * retransmission: the round trip, at least Linux' 200 ms minimum RTO).
 *
 * <p>Written {@code us-west:us-east=35ms~5ms,us-west:eu-west=75ms~10ms,loss=0.5%}: {@code a:b}
 * sets both directions, {@code a>b} one; {@code loss} applies to every link. A named profile
 * may come first and be overridden: {@code continental,loss=1%}. Round trips of the named
 * profiles are the averages of the "Latency Between AWS Global Regions" table (ms, measured
 * between EC2 instances; us-west = Oregon, us-east = N. Virginia, eu-west = Ireland,
 * ap-southeast = Singapore); jitter and loss are our own assumptions, the table has neither.
 */
public final class WanProfile {
  /** One direction of one link. */
  public record Link(long delayMs, long jitterMs, double loss) {
    static final Link NONE = new Link(0, 0, 0);
  }

  /** The named profiles: round trips from the table, halved into one-way delays. */
  static final Map<String, String> NAMED = Map.of(
      "loopback", "",
      // Neighbouring regions, ~20 ms round trip (the table: N. California-Oregon 19.2 ms,
      // Ireland-Frankfurt 19.6 ms), here on every link of a 3-node cluster.
      "regional", "us-west:us-east=10ms~1ms,us-west:eu-west=10ms~1ms,us-east:eu-west=10ms~1ms",
      // Oregon-N. Virginia 88 ms, N. Virginia-Ireland 80.5 ms, Oregon-Ireland 137 ms.
      "continental", "us-west:us-east=44ms~4ms,us-east:eu-west=40ms~4ms,us-west:eu-west=68ms~6ms,loss=0.1%",
      // Adds Singapore: Oregon 161.4 ms, N. Virginia 216.7 ms, Ireland 238.5 ms.
      "global", "us-west:us-east=44ms~4ms,us-east:eu-west=40ms~4ms,us-west:eu-west=68ms~6ms,"
          + "ap-southeast:us-west=81ms~8ms,ap-southeast:us-east=108ms~10ms,ap-southeast:eu-west=119ms~12ms,loss=0.2%");
  /** Regions a named profile needs, in node order. */
  static final Map<String, Integer> NODES = Map.of("loopback", 0, "regional", 3, "continental", 3, "global", 4);
  static final long MIN_RTO_MS = 200;
  private static final Pattern LINK = Pattern.compile("([a-z0-9-]+)([:>])([a-z0-9-]+)=(\\d+)ms(?:~(\\d+)ms)?");
  private static final Pattern LOSS = Pattern.compile("loss=(\\d+(?:\\.\\d+)?)%");
  private static final long MAX_DELAY_MS = 10_000;
  private static final double MAX_LOSS = 0.5;

  private final String spec;
  private final List<String> nodeIds;
  private final Link[][] links;

  private WanProfile(String spec, List<String> nodeIds, Link[][] links) {
    this.spec = spec;
    this.nodeIds = List.copyOf(nodeIds);
    this.links = links;
  }

  /**
   * @throws IllegalArgumentException naming the part of {@code spec} that is wrong
   */
  public static WanProfile parse(String spec, List<String> nodeIds) {
    int n = nodeIds.size();
    Link[][] links = new Link[n][n];
    for (Link[] row : links) {
      Arrays.fill(row, Link.NONE);
    }
    String text = spec.trim().toLowerCase(Locale.ROOT);
    List<String> parts = new ArrayList<>(List.of(text.split(",")));
    String first = parts.get(0).trim();
    if (NAMED.containsKey(first)) {
      if (NODES.get(first) > n) {
        throw new IllegalArgumentException("--wan " + first + " needs " + NODES.get(first) + " nodes, got " + n);
      }
      parts.remove(0);
      List<String> named = new ArrayList<>(NAMED.get(first).isEmpty() ? List.of() : List.of(NAMED.get(first).split(",")));
      named.addAll(parts);
      parts = named;
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(nodeIds.get(i), i);
    }
    double loss = 0;
    for (String raw : parts) {
      String part = raw.trim();
      if (part.isEmpty()) {
        continue;
      }
      Matcher lossMatch = LOSS.matcher(part);
      if (lossMatch.matches()) {
        loss = Double.parseDouble(lossMatch.group(1)) / 100;
        if (loss > MAX_LOSS) {
          throw new IllegalArgumentException("--wan " + part + ": expected a loss of at most 50%");
        }
        continue;
      }
      Matcher m = LINK.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException("--wan " + part + ": expected a profile (" + String.join(", ",
            new TreeSet<>(NAMED.keySet())) + "), a link like us-west:us-east=35ms~5ms (a>b for one"
            + " direction), or loss=0.5%");
      }
      Integer a = index.get(m.group(1));
      Integer b = index.get(m.group(3));
      if (a == null || b == null || a.equals(b)) {
        throw new IllegalArgumentException("--wan " + part + ": expected two different nodes of " + nodeIds);
      }
      long delay = Long.parseLong(m.group(4));
      long jitter = m.group(5) == null ? 0 : Long.parseLong(m.group(5));
      if (delay > MAX_DELAY_MS || jitter > delay) {
        throw new IllegalArgumentException("--wan " + part + ": expected a delay of at most 10000ms and a jitter"
            + " no larger than the delay");
      }
      links[a][b] = new Link(delay, jitter, 0);
      if (m.group(2).equals(":")) {
        links[b][a] = new Link(delay, jitter, 0);
      }
    }
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (a != b) {
          links[a][b] = new Link(links[a][b].delayMs(), links[a][b].jitterMs(), loss);
        }
      }
    }
    return new WanProfile(spec.trim(), nodeIds, links);
  }

  public Link link(int from, int to) {
    return links[from][to];
  }

  /** The two one-way delays of a pair, without jitter or loss. */
  public long roundTripMs(int a, int b) {
    return links[a][b].delayMs() + links[b][a].delayMs();
  }

  /** The longest round trip between any two nodes. */
  public long maxRoundTripMs() {
    long max = 0;
    for (int a = 0; a < nodeIds.size(); a++) {
      for (int b = a + 1; b < nodeIds.size(); b++) {
        max = Math.max(max, roundTripMs(a, b));
      }
    }
    return max;
  }

  public boolean isLoopback() {
    for (Link[] row : links) {
      for (Link l : row) {
        if (!l.equals(Link.NONE)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The extra wait of a lost chunk: its retransmission after the RTO. */
  long retransmitMs(int from, int to) {
    return Math.max(MIN_RTO_MS, roundTripMs(from, to) + 4 * Math.max(links[from][to].jitterMs(), 1));
  }

  /** What it was made from, e.g. "continental". */
  public String spec() {
    return spec;
  }

  /** Each pair's round trip, for reports: "us-west-us-east 88 ms, ...". */
  public String describe() {
    if (isLoopback()) {
      return spec + " (no added delay)";
    }
    List<String> pairs = new ArrayList<>();
    for (int a = 0; a < nodeIds.size(); a++) {
      for (int b = a + 1; b < nodeIds.size(); b++) {
        pairs.add(nodeIds.get(a) + "-" + nodeIds.get(b) + " " + roundTripMs(a, b) + " ms");
      }
    }
    double loss = nodeIds.size() > 1 ? links[0][1].loss() : 0;
    return spec + ": round trips " + String.join(", ", pairs)
        + (loss > 0 ? String.format(Locale.ROOT, ", loss %.1f%%", loss * 100) : "");
  }
}
