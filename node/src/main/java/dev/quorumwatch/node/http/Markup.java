package dev.quorumwatch.node.http;

/** Text made safe for HTML and XML, in element content and in quoted attribute values alike. */
public final class Markup {
  private Markup() {}

  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      switch (ch) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
          if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
            out.append(ch);
          }
        }
      }
    }
    return out.toString();
  }
}
