package dev.quorumwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quorumwatch.harness.cluster.ClusterNetwork;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A scenario's figures: one JSON document, and rows for the human table. */
public final class BenchReport {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode json = JSON.createObjectNode();
  private final List<String[]> rows = new ArrayList<>();

  BenchReport(String scenario) {
    json.put("scenario", scenario);
  }

  ObjectNode json() {
    return json;
  }

  void row(String figure, String value, String reference) {
    rows.add(new String[] {figure, value, reference});
  }

  /** Says what network the figures were measured on. */
  void network(ClusterNetwork network, int nodes) {
    json.put("wan", network.wan()).put("election_timeout_ms", network.electionTimeoutMs())
        .put("heartbeat_interval_ms", network.heartbeatIntervalMs());
    row("network", network.describe(nodes), "");
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.0f ms", v);
  }

  static ObjectNode stats(Stats s) {
    ObjectNode node = JSON.createObjectNode();
    node.put("count", s.count());
    node.put("median", s.median());
    node.put("p95", s.p95());
    node.put("max", s.max());
    return node;
  }

  public void print(PrintStream out, boolean asJson) {
    if (asJson) {
      out.println(json.toPrettyString());
      return;
    }
    int w0 = "FIGURE".length();
    int w1 = "VALUE".length();
    for (String[] r : rows) {
      w0 = Math.max(w0, r[0].length());
      w1 = Math.max(w1, r[1].length());
    }
    String format = "%-" + w0 + "s  %-" + w1 + "s  %s%n";
    out.printf(format, "FIGURE", "VALUE", "REFERENCE");
    for (String[] r : rows) {
      out.printf(format, (Object[]) r);
    }
  }
}
