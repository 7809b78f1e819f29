package dev.quorumwatch.node.statuspage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quorumwatch.harness.cluster.LocalCluster;
import dev.quorumwatch.harness.junit.RealClusters;
import dev.quorumwatch.node.auth.TokenHashes;
import dev.quorumwatch.node.testing.Cli;
import dev.quorumwatch.node.testing.HeadlessChromium;
import dev.quorumwatch.node.testing.TargetServer;
import dev.quorumwatch.node.testing.TestClusters;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.ListIncidentsRequest;
import dev.quorumwatch.proto.Verdict;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;

/**
 * A public status page on a real cluster whose API wants tokens: an operator's update written
 * with the CLI shows on every node's page, read without a token in a real headless Chromium
 * at desktop and phone width, with exactly the listed items.
 */
class StatusPagesClusterTest {
  @RegisterExtension
  static final RealClusters clusters = TestClusters.extension();

  static final String ADMIN = "adm-4e1f7c2b-token";
  LocalCluster cluster;
  TargetServer web;
  TargetServer db;

  @Test
  void theOperatorsUpdateReachesThePublicPageFeedAndBadgeWithoutAToken() throws Exception {
    web = clusters.own(new TargetServer());
    db = clusters.own(new TargetServer());
    cluster = clusters.create("status-pages", 3)
        .withNodeYaml("""
            auth:
              tokens:
                - {name: alice, role: admin, sha256: "%s"}
            """.formatted(HexFormat.of().formatHex(TokenHashes.sha256(ADMIN))))
        .withToken(ADMIN);
    cluster.startAll();
    cluster.awaitLeader(30_000);
    cluster.apply("""
        targets:
          - {id: web, http: {url: "%s"}, interval: 1s, timeout: 800ms}
          - {id: internal-db, http: {url: "%s"}, interval: 1s, timeout: 800ms}
        status_pages:
          - id: public
            title: Example status
            groups:
              - name: Shop
                items:
                  - {target: web, name: Online shop}
        """.formatted(web.url(), db.url()));
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_UP, 30_000)).isTrue();
    web.setUp(false);
    db.setUp(false);
    assertThat(cluster.awaitAllTargets(Verdict.VERDICT_DOWN, 20_000)).isTrue();
    String incident = cluster.client(0).listIncidents(ListIncidentsRequest.getDefaultInstance()).getIncidentsList()
        .stream().filter(i -> i.getOpen() && i.getTargetId().equals("web")).map(Incident::getId).findFirst()
        .orElseThrow();

    Cli.Result update = Cli.run("incident", "update", incident, "--status", "identified", "--message",
        "Payments fail at checkout; a fix is being deployed.", "--server", cluster.api(1), "--token", ADMIN);
    assertThat(update.exitCode()).as(update.stderr()).isZero();
    assertThat(update.stdout()).contains(incident + ": update 1 (identified) recorded");

    String url = "http://127.0.0.1:" + cluster.httpPort(2) + "/status/public";
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(10)).until(() -> get(http, url).body().contains("a fix is being deployed"));
    String dom = HeadlessChromium.dumpDom(url);
    assertThat(dom).contains("<h1>Example status</h1>", "data-item=\"Online shop\" data-state=\"down\"",
        "Major outage: every component is down", "<strong>Identified</strong>",
        "Payments fail at checkout; a fix is being deployed.");
    assertThat(dom.split("class=\"item\"", -1)).as("exactly the one listed item").hasSize(2);
    assertThat(dom).doesNotContain("internal-db", "alice", web.url(), db.url());
    for (int[] size : new int[][] {{1280, 900}, {390, 844}}) {
      Path png = Path.of("target", "artifacts", "public-status-" + size[0] + ".png");
      HeadlessChromium.screenshot(url, png, size[0], size[1]);
      assertThat(ImageIO.read(Files.newInputStream(png)).getWidth()).isEqualTo(size[0]);
    }

    Document feed = xml(get(http, url + "/feed.atom").body());
    assertThat(feed.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
    assertThat(feed.getElementsByTagNameNS("*", "entry").getLength()).isEqualTo(1);
    assertThat(feed.getElementsByTagNameNS("*", "content").item(0).getTextContent()).contains("a fix is being deployed");
    Document badge = xml(get(http, "http://127.0.0.1:" + cluster.httpPort(0) + "/badge/web/status.svg").body());
    assertThat(badge.getDocumentElement().getAttribute("aria-label")).isEqualTo("status: down");
    assertThat(get(http, "http://127.0.0.1:" + cluster.httpPort(0) + "/badge/internal-db/status.svg").statusCode())
        .isEqualTo(404);
    assertThat(get(http, "http://127.0.0.1:" + cluster.httpPort(0) + "/status.json").statusCode())
        .as("the operator's data still wants a token").isEqualTo(401);
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Document xml(String text) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }
}
