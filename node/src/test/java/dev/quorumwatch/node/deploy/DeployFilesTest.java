package dev.quorumwatch.node.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.quorumwatch.node.config.MonitorsParser;
import dev.quorumwatch.node.config.NodeConfig;
import dev.quorumwatch.node.config.NodeConfigLoader;
import dev.quorumwatch.node.testing.MakeCertsScript;
import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files ship configs our own parsers must accept and settings operators rely
 * on (probes, spread, non-root); no Kubernetes or Docker daemon is needed to check those.
 */
class DeployFilesTest {
  static final Path DEPLOY = Path.of("..", "deploy");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Map<String, JsonNode> kubernetesObjects() throws Exception {
    Map<String, JsonNode> byKind = new HashMap<>();
    try (var files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        YAMLParser parser = new YAMLFactory().createParser(f.toFile());
        for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
          byKind.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
        }
      }
    }
    return byKind;
  }

  @Test
  void everyPodsNodeConfigAndTheMonitorsFileParse(@TempDir Path tls) throws Exception {
    Map<String, JsonNode> k8s = kubernetesObjects();
    JsonNode data = k8s.get("ConfigMap/quorumwatch-config").path("data");
    int replicas = k8s.get("StatefulSet/quorumwatch").path("spec").path("replicas").asInt();
    // The quorumwatch-tls Secret as the README makes it, mounted where the configs look.
    MakeCertsScript.run(tls, "quorumwatch-0", "quorumwatch-1", "quorumwatch-2");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      String name = "quorumwatch-" + i;
      String yaml = data.path(name + ".yaml").asText().replace("/etc/quorumwatch/tls/", tls.toAbsolutePath() + "/");
      NodeConfig config = NodeConfigLoader.parse(Path.of("/etc/quorumwatch", name + ".yaml"), yaml,
          var -> var.startsWith("QW_") ? "token-from-the-secret-" + var : null);
      assertThat(config.authenticated()).as("an API on the pod network needs tokens").isTrue();
      assertThat(config.tls()).as("a Raft port on the pod network needs TLS").isPresent();
      assertThat(config.nodeId()).isEqualTo(name);
      assertThat(config.peers()).hasSize(replicas);
      assertThat(config.dataDir().toString()).startsWith("/var/lib/quorumwatch");
      ids.add(config.nodeId());
    }
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(MonitorsParser.parse("monitors.yaml", data.path("monitors.yaml").asText()).getTargetsCount()).isPositive();
  }

  @Test
  void theStatefulSetSpreadsOnePodPerZoneProbesHealthAndRunsAsNonRoot() throws Exception {
    Map<String, JsonNode> k8s = kubernetesObjects();
    JsonNode spec = k8s.get("StatefulSet/quorumwatch").path("spec");
    assertThat(spec.path("serviceName").asText()).isEqualTo("quorumwatch-peers");
    assertThat(k8s.get("Service/quorumwatch-peers").path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(k8s.get("Service/quorumwatch-peers").path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();
    JsonNode pod = spec.path("template").path("spec");
    assertThat(pod.path("topologySpreadConstraints").get(0).path("topologyKey").asText())
        .isEqualTo("topology.kubernetes.io/zone");
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(spec.path("volumeClaimTemplates").get(0).path("metadata").path("name").asText()).isEqualTo("data");
    assertThat(container.path("readinessProbe").path("httpGet").path("scheme").asText()).isEqualTo("HTTPS");
  }

  @Test
  void theReadmesQuickStartNodeConfigStarts(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int configure = readme.indexOf("**Configure each node**");
    int start = readme.indexOf("```yaml\n", configure) + "```yaml\n".length();
    String yaml = readme.substring(start, readme.indexOf("```", start)).replaceAll("(?m)^   ", "");
    MakeCertsScript.run(dir.resolve("tls"), "us-west,IP:10.0.1.10");
    NodeConfig config = NodeConfigLoader.parse(dir.resolve("node.yaml"), yaml,
        var -> var.equals("QW_ADMIN_TOKEN") ? "a-token-from-openssl-rand" : null);
    assertThat(config.raftListen().toString()).isEqualTo("10.0.1.10:9101");
    assertThat(config.tls()).isPresent();
    assertThat(config.authenticated()).isTrue();
  }

  @Test
  void onlyTheClustersOwnPodsMayReachTheRaftPort() throws Exception {
    JsonNode policy = kubernetesObjects().get("NetworkPolicy/quorumwatch-peers-only").path("spec");
    assertThat(policy.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText())
        .isEqualTo("quorumwatch");
    for (JsonNode rule : policy.path("ingress")) {
      boolean raft = false;
      for (JsonNode port : rule.path("ports")) {
        raft |= port.path("port").asInt() == 9101;
      }
      if (raft) {
        assertThat(rule.path("from")).as("the rule that opens 9101").hasSize(1);
        assertThat(rule.path("from").get(0).path("podSelector").path("matchLabels").path("app.kubernetes.io/name")
            .asText()).isEqualTo("quorumwatch");
      }
    }
  }

  @Test
  void theSystemdUnitIsHardenedAndTheImageRunsAsNonRoot() throws Exception {
    String unit = Files.readString(DEPLOY.resolve("systemd/quorumwatch.service"));
    assertThat(unit).contains("User=quorumwatch", "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure",
        "KillSignal=SIGTERM", "StateDirectory=quorumwatch");
    String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
    assertThat(dockerfile).contains("FROM eclipse-temurin:17.0.15_6-jre-noble", "USER 10001:10001");
    assertThat(dockerfile.lines().filter(l -> l.startsWith("FROM ")))
        .as("base images pinned to a release, not a moving tag").allMatch(l -> l.matches("FROM [^:]+:\\d+\\.\\d+\\.\\d+.*"));
  }

  @Test
  void theLocalClusterWatchesItsOwnNodesAndOneTargetDownOnPurpose() throws Exception {
    Path local = DEPLOY.resolve("local");
    MonitorsSpec monitors = MonitorsParser.parse("monitors.yaml", Files.readString(local.resolve("monitors.yaml")));
    List<String> httpPorts = new ArrayList<>();
    for (String node : List.of("us-west", "us-east", "eu-west")) {
      Path file = local.resolve(node + ".yaml");
      httpPorts.add(Integer.toString(NodeConfigLoader.parse(file, Files.readString(file)).httpListen().port()));
    }
    // A newcomer's first `targets` table: the three nodes' own /healthz (UP), then the example (DOWN).
    List<String> healthz = monitors.getTargetsList().stream().map(t -> t.getHttp().getUrl())
        .filter(u -> u.endsWith("/healthz")).toList();
    assertThat(healthz).hasSize(3).allSatisfy(u -> assertThat(httpPorts).anyMatch(port -> u.contains(":" + port + "/")));
    assertThat(monitors.getTargetsList()).extracting(TargetSpec::getId).contains("example-http");
  }
}
