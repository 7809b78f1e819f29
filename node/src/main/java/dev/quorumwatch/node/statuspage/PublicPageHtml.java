package dev.quorumwatch.node.statuspage;

import static dev.quorumwatch.node.http.Markup.escape;

import dev.quorumwatch.coordinator.uptime.UptimeLedger;
import dev.quorumwatch.node.statuspage.PublicStatus.Item;
import dev.quorumwatch.node.statuspage.PublicStatus.PublicIncident;
import dev.quorumwatch.node.statuspage.PublicStatus.State;
import dev.quorumwatch.proto.IncidentUpdate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A public status page as one HTML document: rendered here, so it needs no script, no
 * external asset and no token, reads on a phone and refreshes itself every minute. Every
 * state is said in words and a symbol, never by colour alone.
 */
final class PublicPageHtml {
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  static final int REFRESH_S = 60;

  private PublicPageHtml() {}

  static String render(PublicStatus s) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_S).append("\">")
        .append("<title>").append(escape(s.title())).append("</title>")
        .append("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"").append(escape(s.title()))
        .append(" incidents\" href=\"").append(escape(s.pageId())).append("/feed.atom\">")
        .append("<style>").append(STYLE).append("</style></head><body><header><h1>").append(escape(s.title()))
        .append("</h1></header><main>");
    overall(h, s);
    incidents(h, s.incidents().stream().filter(PublicIncident::open).toList(), "active", "Current incidents");
    maintenance(h, s);
    h.append("<section id=\"components\" aria-label=\"Components\">");
    for (PublicStatus.Group g : s.groups()) {
      h.append("<h2>").append(escape(g.name())).append("</h2><ul class=\"items\">");
      for (Item item : g.items()) {
        item(h, item);
      }
      h.append("</ul>");
    }
    h.append("</section>");
    incidents(h, s.incidents().stream().filter(i -> !i.open()).toList(), "past", "Past incidents (14 days)");
    h.append("</main><footer><p>Updated <time datetime=\"").append(Instant.ofEpochMilli(s.generatedMs()))
        .append("\">").append(SHOWN.format(Instant.ofEpochMilli(s.generatedMs())))
        .append("</time>; the page refreshes every minute. Times are UTC; days are UTC days.</p><p><a href=\"")
        .append(escape(s.pageId())).append("/feed.atom\">Incident feed (Atom)</a></p></footer></body></html>\n");
    return h.toString();
  }

  private static void overall(StringBuilder h, PublicStatus s) {
    List<Item> items = s.groups().stream().flatMap(g -> g.items().stream()).toList();
    long down = items.stream().filter(i -> i.state() == State.DOWN).count();
    boolean maintenance = items.stream().anyMatch(i -> i.state() == State.MAINTENANCE);
    String cls;
    String text;
    if (down == items.size()) {
      cls = "down";
      text = "\u2715 Major outage: every component is down";
    } else if (down > 0) {
      cls = "down";
      text = "\u2715 Partial outage: " + down + " of " + items.size() + " components down";
    } else if (maintenance) {
      cls = "maintenance";
      text = "\u25d0 Maintenance in progress";
    } else if (items.stream().allMatch(i -> i.state() == State.OPERATIONAL)) {
      cls = "operational";
      text = "\u2713 All systems operational";
    } else {
      cls = "unknown";
      text = "? Some components have no verdict yet";
    }
    h.append("<p id=\"overall\" class=\"overall ").append(cls).append("\" role=\"status\">").append(escape(text))
        .append("</p>");
  }

  private static void item(StringBuilder h, Item item) {
    String state = item.state().name().toLowerCase(Locale.ROOT);
    double uptime = item.uptimePercent();
    String uptimeText = Double.isNaN(uptime) ? "no data yet" : percent(uptime) + " uptime";
    h.append("<li class=\"item\" data-item=\"").append(escape(item.name())).append("\" data-state=\"").append(state)
        .append("\"><div class=\"row\"><span class=\"name\">").append(escape(item.name()))
        .append("</span><span class=\"state s-").append(state).append("\">").append(stateText(item.state()))
        .append("</span></div><div class=\"bars\" role=\"img\" aria-label=\"").append(escape(item.name()))
        .append(", last ").append(item.days().size()).append(" days: ").append(uptimeText).append("\">");
    for (UptimeLedger.Day d : item.days()) {
      String date = LocalDate.ofEpochDay(d.epochDay()).toString();
      String cls = !d.known() ? "none" : d.downMs() == 0 ? "ok" : d.uptimePercent() >= 99 ? "minor" : "major";
      String title = !d.known() ? date + ": no data" : date + ": " + percent(d.uptimePercent()) + " up"
          + (d.downMs() == 0 ? "" : ", down " + duration(d.downMs()));
      h.append("<span class=\"bar b-").append(cls).append("\" title=\"").append(title).append("\"></span>");
    }
    h.append("</div><div class=\"legend\" aria-hidden=\"true\"><span>").append(item.days().size())
        .append(" days ago</span><span>").append(uptimeText).append("</span><span>Today</span></div></li>");
  }

  private static String stateText(State state) {
    return switch (state) {
      case OPERATIONAL -> "\u2713 Operational";
      case DOWN -> "\u2715 Down";
      case MAINTENANCE -> "\u25d0 Maintenance";
      case UNKNOWN -> "? No verdict yet";
    };
  }

  private static void incidents(StringBuilder h, List<PublicIncident> incidents, String id, String heading) {
    if (incidents.isEmpty()) {
      return;
    }
    h.append("<section id=\"").append(id).append("\" aria-labelledby=\"").append(id).append("-h\"><h2 id=\"")
        .append(id).append("-h\">").append(heading).append("</h2>");
    for (PublicIncident i : incidents) {
      h.append("<article class=\"incident\" id=\"").append(escape(i.id())).append("\" data-open=\"").append(i.open())
          .append("\"><h3>").append(escape(String.join(", ", i.items()))).append(i.open() ? ": down" : ": resolved")
          .append("</h3><p class=\"when\">Began ").append(time(i.startedMs()));
      if (!i.open()) {
        h.append(", resolved ").append(time(i.resolvedMs())).append(" (").append(duration(i.resolvedMs()
            - i.startedMs())).append(")");
      }
      h.append("</p>");
      if (!i.updates().isEmpty()) {
        h.append("<ol class=\"updates\" reversed>");
        for (int k = i.updates().size() - 1; k >= 0; k--) { // newest first
          IncidentUpdate u = i.updates().get(k);
          h.append("<li><strong>").append(statusText(u.getStatus())).append("</strong> ")
              .append(time(u.getAtMs())).append("<p>").append(escape(u.getMessage())).append("</p></li>");
        }
        h.append("</ol>");
      }
      h.append("</article>");
    }
    h.append("</section>");
  }

  private static void maintenance(StringBuilder h, PublicStatus s) {
    if (s.maintenance().isEmpty()) {
      return;
    }
    h.append("<section id=\"maintenance\" aria-labelledby=\"maintenance-h\"><h2 id=\"maintenance-h\">")
        .append("Scheduled maintenance</h2><ul>");
    for (PublicStatus.Maintenance m : s.maintenance()) {
      h.append("<li>").append(escape(String.join(", ", m.items()))).append(": ").append(time(m.startMs()))
          .append(" to ").append(time(m.endMs())).append(m.startMs() <= s.generatedMs() ? " (in progress)" : "")
          .append("</li>");
    }
    h.append("</ul></section>");
  }

  static String statusText(IncidentUpdate.Status status) {
    return switch (status) {
      case STATUS_INVESTIGATING -> "Investigating";
      case STATUS_IDENTIFIED -> "Identified";
      case STATUS_MONITORING -> "Monitoring";
      case STATUS_RESOLVED -> "Resolved";
      default -> "Update";
    };
  }

  private static String time(long ms) {
    return "<time datetime=\"" + Instant.ofEpochMilli(ms) + "\">" + SHOWN.format(Instant.ofEpochMilli(ms)) + "</time>";
  }

  static String percent(double p) {
    return String.format(Locale.ROOT, p == 100.0 ? "%.0f %%" : "%.2f %%", Math.floor(p * 100) / 100);
  }

  static String duration(long ms) {
    long minutes = Math.max(1, Math.round(ms / 60_000.0));
    return minutes < 60 ? minutes + " min" : minutes / 60 + " h " + minutes % 60 + " min";
  }

  /** Dark text on light ground throughout (contrast above 4.5:1); bars also differ in height, not only hue. */
  private static final String STYLE = """
      :root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
      body{margin:0 auto;max-width:56rem;padding:1rem}
      h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:0}
      .overall{padding:.9rem 1rem;border-radius:.4rem;font-weight:600;border:2px solid}
      .overall.operational{background:#dafbe1;border-color:#1a7f37;color:#0a3d1c}
      .overall.down{background:#ffebe9;border-color:#cf222e;color:#6e0b10}
      .overall.maintenance{background:#ddf4ff;border-color:#0969da;color:#0a3069}
      .overall.unknown{background:#f6f8fa;border-color:#57606a;color:#1f2328}
      .items{list-style:none;padding:0;margin:0}
      .item{border:1px solid #d0d7de;border-radius:.4rem;padding:.7rem;margin:.5rem 0}
      .row{display:flex;justify-content:space-between;gap:.5rem;flex-wrap:wrap}.name{font-weight:600}
      .s-operational{color:#116329}.s-down{color:#a40e26}.s-maintenance{color:#0550ae}.s-unknown{color:#57606a}
      .bars{display:flex;align-items:flex-end;gap:1px;height:2rem;margin:.5rem 0 .2rem}
      .bar{flex:1;min-width:1px;border-radius:1px}
      .b-ok{background:#2da44e;height:100%}.b-minor{background:#bf8700;height:70%}
      .b-major{background:#cf222e;height:45%}.b-none{background:#d0d7de;height:20%}
      .legend{display:flex;justify-content:space-between;font-size:.8rem;color:#57606a}
      .incident{border-left:4px solid #cf222e;padding:.3rem .8rem;margin:.7rem 0}
      #past .incident{border-color:#57606a}.when{color:#57606a;font-size:.9rem;margin:.2rem 0}
      .updates{padding-left:1.2rem}.updates p{margin:.2rem 0 .6rem}
      footer{margin-top:2rem;font-size:.85rem;color:#57606a}a{color:#0969da}
      """;
}
