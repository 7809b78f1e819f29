package dev.quorumwatch.node.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Valid YAML documents damaged the ways people and tools damage them: a value replaced by
 * something hostile, a line lost, doubled or swapped, the file cut short, stray characters.
 */
public final class YamlMutations {
  enum Kind { REPLACE_VALUE, DELETE_LINE, DUPLICATE_LINE, SWAP_LINES, TRUNCATE, INSERT }

  record Mutation(Kind kind, int position, int other, String text) {}

  /** Values that break parsers: wrong types, extremes, YAML specials, injections. */
  static final List<String> HOSTILE = List.of("", "-1", "0", "2147483648", "99999999999999999999", "1e309", ".nan", "[]",
      "{}", "null", "~", "true", "'", "\"", "\"\\u0000\"", "${", "${file:}", "${1X}", "http://", "https://[::1",
      "x".repeat(3000), "- x", "&a x", "*nope", "!!binary AAAA", "!!java.io.File x", "\u221e", "1s", "0s", "-5m",
      "100000000h", "25:99", "Mars/Olympus", "[a, b]", "{x: y}", "a: b", "0.0.0.0:0", "127.0.0.1:65536", "[::1]:9",
      "a\tb", "monday..friday", "\"=~(\"", "service=~[", "target!~)", "\u0000");

  private YamlMutations() {}

  /** {@code base} with one to four mutations. */
  public static Arbitrary<String> of(String base) {
    Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 100_000),
        Arbitraries.integers().between(0, 100_000),
        Arbitraries.oneOf(Arbitraries.of(HOSTILE), Arbitraries.strings().ofMaxLength(12))).as(Mutation::new);
    return mutation.list().ofMinSize(1).ofMaxSize(4).map(ms -> {
      String text = base;
      for (Mutation m : ms) {
        text = apply(text, m);
      }
      return text;
    });
  }

  private static final Pattern VALUE = Pattern.compile("(?<=: )[^,}\\n]+|(?<=- )[^\\n]+|(?<=\\[)[^,\\]\\n]+");

  static String apply(String text, Mutation m) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    if (lines.isEmpty()) {
      return m.text();
    }
    int line = m.position() % lines.size();
    switch (m.kind()) {
      case REPLACE_VALUE -> {
        Matcher values = VALUE.matcher(text);
        List<int[]> spans = new ArrayList<>();
        while (values.find()) {
          spans.add(new int[] {values.start(), values.end()});
        }
        if (spans.isEmpty()) {
          return text + m.text();
        }
        int[] span = spans.get(m.position() % spans.size());
        return text.substring(0, span[0]) + m.text() + text.substring(span[1]);
      }
      case DELETE_LINE -> lines.remove(line);
      case DUPLICATE_LINE -> lines.add(line, lines.get(line));
      case SWAP_LINES -> {
        int other = m.other() % lines.size();
        String held = lines.get(line);
        lines.set(line, lines.get(other));
        lines.set(other, held);
      }
      case TRUNCATE -> {
        return text.substring(0, m.position() % (text.length() + 1));
      }
      case INSERT -> {
        int at = m.position() % (text.length() + 1);
        return text.substring(0, at) + m.text() + text.substring(at);
      }
    }
    return String.join("\n", lines) + "\n";
  }
}
