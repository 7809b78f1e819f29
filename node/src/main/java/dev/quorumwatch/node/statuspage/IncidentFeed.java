package dev.quorumwatch.node.statuspage;

import static dev.quorumwatch.node.http.Markup.escape;

import dev.quorumwatch.node.statuspage.PublicStatus.PublicIncident;
import dev.quorumwatch.proto.IncidentUpdate;
import java.time.Instant;

/**
 * A status page's incidents as an Atom feed (RFC 4287): one entry per incident, updated
 * whenever an operator writes an update or it resolves, so a feed reader shows it again.
 */
final class IncidentFeed {
  private IncidentFeed() {}

  static String render(PublicStatus s) {
    long updated = s.incidents().stream().mapToLong(PublicIncident::updatedMs).max().orElse(s.generatedMs());
    String base = "urn:quorumwatch:" + s.clusterId() + ":";
    StringBuilder x = new StringBuilder(4096);
    x.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">")
        .append("<id>").append(escape(base + "status:" + s.pageId())).append("</id>")
        .append("<title>").append(escape(s.title())).append(": incidents</title>")
        .append("<updated>").append(Instant.ofEpochMilli(updated)).append("</updated>")
        .append("<author><name>").append(escape(s.title())).append("</name></author>")
        .append("<link rel=\"alternate\" type=\"text/html\" href=\"../").append(escape(s.pageId())).append("\"/>");
    for (PublicIncident i : s.incidents()) {
      String what = String.join(", ", i.items()) + (i.open() ? ": down" : ": resolved");
      x.append("<entry><id>").append(escape(base + "incident:" + i.id())).append("</id>")
          .append("<title>").append(escape(what)).append("</title>")
          .append("<published>").append(Instant.ofEpochMilli(i.startedMs())).append("</published>")
          .append("<updated>").append(Instant.ofEpochMilli(i.updatedMs())).append("</updated>")
          .append("<link rel=\"alternate\" type=\"text/html\" href=\"../").append(escape(s.pageId())).append("#")
          .append(escape(i.id())).append("\"/>")
          .append("<content type=\"text\">").append(escape(content(i))).append("</content></entry>");
    }
    return x.append("</feed>\n").toString();
  }

  private static String content(PublicIncident i) {
    StringBuilder text = new StringBuilder("Began " + Instant.ofEpochMilli(i.startedMs()));
    if (!i.open()) {
      text.append(", resolved ").append(Instant.ofEpochMilli(i.resolvedMs()));
    }
    text.append('.');
    for (int k = i.updates().size() - 1; k >= 0; k--) {
      IncidentUpdate u = i.updates().get(k);
      text.append("\n\n").append(PublicPageHtml.statusText(u.getStatus())).append(" (")
          .append(Instant.ofEpochMilli(u.getAtMs())).append("): ").append(u.getMessage());
    }
    return text.toString();
  }
}
