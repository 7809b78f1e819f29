package dev.quorumwatch.node.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quorumwatch.coordinator.Coordinator;
import dev.quorumwatch.coordinator.membership.Protocol;
import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.proto.ApplyMonitors;
import dev.quorumwatch.proto.Command;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.IncidentUpdate;
import dev.quorumwatch.proto.Member;
import dev.quorumwatch.proto.Observation;
import dev.quorumwatch.proto.PostIncidentUpdate;
import dev.quorumwatch.proto.ReportView;
import dev.quorumwatch.proto.SetCluster;
import dev.quorumwatch.proto.VoteState;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The public pages over a real HTTP server in this process, from a coordinator driven by
 * commands: only listed items, public names, escaped operator text, a valid Atom feed and
 * valid SVG badges, and 404 for anything not listed.
 */
class PublicPagesTest {
  private static final long T0 = Instant.parse("2027-01-04T12:00:00Z").toEpochMilli(); // a Monday
  private static final String[] NODES = {"us-west", "us-east", "eu-west"};
  static final String MONITORS = """
      targets:
        - id: web
          http: {url: "http://127.0.0.1:1/private-health-path"}
          labels: {team: storefront}
        - id: internal-db
          tcp: {address: "127.0.0.1:5432"}
        - id: api-a
          http: {url: "http://127.0.0.1:2/health"}
          labels: {service: api}
        - id: api-b
          http: {url: "http://127.0.0.1:3/health"}
          labels: {service: api}
      services:
        - id: api
          endpoints: [api-a, api-b]
      maintenance:
        - id: api-upgrade
          match: ["service=api"]
          weekly: {days: [wed], start: "03:00", duration: 1h, time_zone: UTC}
      status_pages:
        - id: public
          title: Example & Co status
          groups:
            - name: Shop
              items:
                - {target: web, name: Website}
                - {service: api, name: Public API}
      """;

  private final Coordinator c = new Coordinator();
  private long index;
  private long now = T0;
  private HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    SetCluster.Builder cluster = SetCluster.newBuilder().setClusterId("test").setQuorum(2).setStaleAfterMs(3000);
    for (String n : NODES) {
      cluster.addMembers(Member.newBuilder().setId(n).setRegion(n).setApi("127.0.0.1:1"));
    }
    apply(Command.newBuilder().setSetCluster(cluster));
    apply(Command.newBuilder().setApplyMonitors(ApplyMonitors.newBuilder()
        .setSpec(MonitorsParser.parse("monitors.yaml", MONITORS))));
    allSee("web", VoteState.VOTE_UP);
    allSee("internal-db", VoteState.VOTE_UP);
    allSee("api-a", VoteState.VOTE_UP);
    allSee("api-b", VoteState.VOTE_UP);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    PublicPages pages = new PublicPages(new PublicPages.Replica() {
      @Override
      public <T> T read(Function<Coordinator, T> reader) {
        synchronized (c) {
          return reader.apply(c);
        }
      }
    });
    server.createContext("/status/", pages);
    server.createContext("/badge/", pages);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void apply(Command.Builder command) {
    synchronized (c) {
      assertThat(c.apply(++index, command.setAtMs(now).build()).accepted()).isTrue();
    }
  }

  private void allSee(String target, VoteState state) {
    for (String n : NODES) {
      apply(Command.newBuilder().setReportView(ReportView.newBuilder().setNodeId(n).setRegion(n)
          .setProtocol(Protocol.CURRENT).addObservations(Observation.newBuilder().setTargetId(target).setState(state)
              .setFailureClass(state == VoteState.VOTE_DOWN ? "connect" : ""))));
    }
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String openIncident(String target) {
    synchronized (c) {
      return c.incidents().stream().filter(i -> i.getOpen() && i.getTargetId().equals(target)).findFirst()
          .map(Incident::getId).orElseThrow();
    }
  }

  @Test
  void thePageShowsOnlyListedItemsUnderTheirPublicNamesAndEscapesOperatorText() throws Exception {
    allSee("web", VoteState.VOTE_DOWN);
    allSee("internal-db", VoteState.VOTE_DOWN);
    apply(Command.newBuilder().setPostIncidentUpdate(PostIncidentUpdate.newBuilder().setIncidentId(openIncident("web"))
        .setStatus(IncidentUpdate.Status.STATUS_INVESTIGATING_VALUE).setBy("ana")
        .setMessage("Checkout fails <script>alert(1)</script> for some of you")));

    HttpResponse<String> page = get("/status/public");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Cache-Control")).contains("public, max-age=30");
    String html = page.body();
    assertThat(html).contains("<title>Example &amp; Co status</title>", "Partial outage: 1 of 2 components down",
        "data-item=\"Website\" data-state=\"down\"", "data-item=\"Public API\" data-state=\"operational\"",
        "Website: down", "Checkout fails &lt;script&gt;alert(1)&lt;/script&gt; for some of you",
        "Scheduled maintenance", "Public API: <time datetime=\"2027-01-06T03:00:00Z\">");
    assertThat(html).as("nothing private: ids of unlisted targets, URLs, labels, internal summaries, authors")
        .doesNotContain("internal-db", "private-health-path", "127.0.0.1", "storefront", "api-a", "ana",
            "<script>");
    assertThat(html.split("class=\"bar ", -1)).as("90 days for each of the 2 items").hasSize(2 * 90 + 1);
  }

  @Test
  void theFeedIsAtomWithOneEntryPerIncidentOfListedItems() throws Exception {
    allSee("web", VoteState.VOTE_DOWN);
    allSee("internal-db", VoteState.VOTE_DOWN);
    now += 120_000;
    allSee("web", VoteState.VOTE_UP);
    HttpResponse<String> feed = get("/status/public/feed.atom");
    assertThat(feed.headers().firstValue("Content-Type")).contains("application/atom+xml; charset=utf-8");
    Document atom = xml(feed.body());
    Element root = atom.getDocumentElement();
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
    assertThat(root.getLocalName()).isEqualTo("feed");
    assertThat(atom.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry").getLength()).isEqualTo(1);
    Element entry = (Element) atom.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry").item(0);
    assertThat(entry.getElementsByTagNameNS("*", "title").item(0).getTextContent()).isEqualTo("Website: resolved");
    assertThat(entry.getElementsByTagNameNS("*", "updated").item(0).getTextContent())
        .isEqualTo(Instant.ofEpochMilli(now).toString());
  }

  @Test
  void badgesAreValidSvgForListedItemsOnly() throws Exception {
    allSee("web", VoteState.VOTE_DOWN);
    now += 60_000; // a minute watched: the day has data
    allSee("api-a", VoteState.VOTE_UP);
    HttpResponse<String> status = get("/badge/web/status.svg");
    assertThat(status.headers().firstValue("Content-Type")).contains("image/svg+xml");
    Element svg = xml(status.body()).getDocumentElement();
    assertThat(svg.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(svg.getAttribute("aria-label")).isEqualTo("status: down");
    Element uptime = xml(get("/badge/api/uptime.svg").body()).getDocumentElement();
    assertThat(uptime.getAttribute("aria-label")).isEqualTo("uptime 90d: 100%");
    String etag = status.headers().firstValue("ETag").orElseThrow();
    assertThat(get("/badge/web/status.svg", "If-None-Match", etag).statusCode()).isEqualTo(304);
  }

  @Test
  void whatNoPageListsIsNotFoundAndOnlyReadsAreAllowed() throws Exception {
    for (String path : new String[] {"/badge/internal-db/status.svg", "/badge/api-a/uptime.svg", "/status/private",
        "/status/public/", "/status/public/other", "/badge/web/other.svg"}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as("the same answer as for an id that does not exist").isEqualTo("not found\n");
    }
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.getAddress().getPort() + "/status/public")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  private static Document xml(String text) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }
}
