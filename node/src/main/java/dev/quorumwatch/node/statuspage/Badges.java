package dev.quorumwatch.node.statuspage;

import static dev.quorumwatch.node.http.Markup.escape;

import dev.quorumwatch.node.statuspage.PublicStatus.Item;

/**
 * Small SVG badges for READMEs and wikis, in the common two-part look: a grey label and a
 * coloured value. The value is text, so the badge reads without colour; widths are estimated
 * from the character count (Verdana 11 px, about 7 px a character).
 */
final class Badges {
  private Badges() {}

  static String status(Item item) {
    return switch (item.state()) {
      case OPERATIONAL -> svg("status", "up", "#1a7f37");
      case DOWN -> svg("status", "down", "#cf222e");
      case MAINTENANCE -> svg("status", "maintenance", "#0969da");
      case UNKNOWN -> svg("status", "unknown", "#57606a");
    };
  }

  static String uptime(Item item) {
    double p = item.uptimePercent();
    if (Double.isNaN(p)) {
      return svg("uptime " + item.days().size() + "d", "no data", "#57606a");
    }
    String colour = p >= 99.9 ? "#1a7f37" : p >= 99 ? "#9a6700" : "#cf222e";
    return svg("uptime " + item.days().size() + "d", PublicPageHtml.percent(p).replace(" ", ""), colour);
  }

  private static String svg(String label, String value, String colour) {
    int lw = 10 + 7 * label.length();
    int vw = 10 + 7 * value.length();
    int w = lw + vw;
    String text = label + ": " + value;
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"20\" role=\"img\" aria-label=\""
        + escape(text) + "\"><title>" + escape(text) + "</title>"
        + "<rect width=\"" + lw + "\" height=\"20\" fill=\"#555\"/>"
        + "<rect x=\"" + lw + "\" width=\"" + vw + "\" height=\"20\" fill=\"" + colour + "\"/>"
        + "<g fill=\"#fff\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\" text-anchor=\"middle\">"
        + "<text x=\"" + lw / 2 + "\" y=\"14\">" + escape(label) + "</text>"
        + "<text x=\"" + (lw + vw / 2) + "\" y=\"14\">" + escape(value) + "</text></g></svg>\n";
  }
}
