package dev.quorumwatch.harness.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Half-open time intervals {@code [startMs, endMs)} and the arithmetic the checker needs. */
public final class Intervals {
  /** One interval; {@code endMs} is Long.MAX_VALUE while it is still open. */
  public record Span(long startMs, long endMs) {
    public long length() {
      return endMs - startMs;
    }

    public boolean contains(long t) {
      return t >= startMs && t < endMs;
    }

    public boolean overlaps(Span other) {
      return startMs < other.endMs && other.startMs < endMs;
    }
  }

  private Intervals() {}

  /** Where at least {@code k} of the given interval lists overlap. */
  public static List<Span> atLeast(List<List<Span>> perNode, int k) {
    TreeMap<Long, Integer> delta = new TreeMap<>();
    for (List<Span> spans : perNode) {
      for (Span s : merge(spans)) {
        delta.merge(s.startMs(), 1, Integer::sum);
        delta.merge(s.endMs(), -1, Integer::sum);
      }
    }
    List<Span> out = new ArrayList<>();
    int depth = 0;
    long openedAt = -1;
    for (Map.Entry<Long, Integer> e : delta.entrySet()) {
      int before = depth;
      depth += e.getValue();
      if (before < k && depth >= k) {
        openedAt = e.getKey();
      } else if (before >= k && depth < k) {
        out.add(new Span(openedAt, e.getKey()));
      }
    }
    return out;
  }

  public static List<Span> intersect(List<Span> a, List<Span> b) {
    List<Span> out = new ArrayList<>();
    for (Span x : merge(a)) {
      for (Span y : merge(b)) {
        long s = Math.max(x.startMs(), y.startMs());
        long e = Math.min(x.endMs(), y.endMs());
        if (s < e) {
          out.add(new Span(s, e));
        }
      }
    }
    return merge(out);
  }

  public static List<Span> extendEnds(List<Span> spans, long byMs) {
    List<Span> out = new ArrayList<>();
    for (Span s : spans) {
      out.add(new Span(s.startMs(), s.endMs() == Long.MAX_VALUE ? Long.MAX_VALUE : s.endMs() + byMs));
    }
    return merge(out);
  }

  /** Sorted, with overlapping or touching spans joined. */
  public static List<Span> merge(List<Span> spans) {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort((x, y) -> Long.compare(x.startMs(), y.startMs()));
    List<Span> out = new ArrayList<>();
    for (Span s : sorted) {
      if (!out.isEmpty() && out.get(out.size() - 1).endMs() >= s.startMs()) {
        Span last = out.remove(out.size() - 1);
        out.add(new Span(last.startMs(), Math.max(last.endMs(), s.endMs())));
      } else if (s.length() > 0) {
        out.add(s);
      }
    }
    return out;
  }

  /** The complement of {@code spans} within {@code [fromMs, toMs)}. */
  public static List<Span> complement(List<Span> spans, long fromMs, long toMs) {
    List<Span> out = new ArrayList<>();
    long cursor = fromMs;
    for (Span s : merge(spans)) {
      if (s.startMs() > cursor) {
        out.add(new Span(cursor, Math.min(s.startMs(), toMs)));
      }
      cursor = Math.max(cursor, s.endMs());
    }
    if (cursor < toMs) {
      out.add(new Span(cursor, toMs));
    }
    return out;
  }
}
