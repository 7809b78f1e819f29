package dev.quorumwatch.node.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code /metrics?name[]=a&name[]=b}: only the named metrics, as Prometheus' own exporters
 * allow. At 10,000 targets the full page is some 200,000 lines; a tool that wants three
 * figures should not make the node write them all.
 */
final class MetricNameQuery {
  static final int MAX_NAMES = 100;

  private MetricNameQuery() {}

  /** Which metric names to include; all when the query names none. */
  static Predicate<String> of(String rawQuery) {
    Set<String> names = new HashSet<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        if (eq < 0 || names.size() >= MAX_NAMES) {
          continue;
        }
        String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
        if (key.equals("name[]")) {
          names.add(base(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
        }
      }
    }
    return names.isEmpty() ? name -> true : name -> names.contains(base(name));
  }

  /** A counter is asked for as it is exposed ({@code x_total}) and registered without the suffix. */
  private static String base(String name) {
    return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
  }
}
