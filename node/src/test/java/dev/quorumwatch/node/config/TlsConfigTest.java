package dev.quorumwatch.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.node.testing.MakeCertsScript;
import dev.quorumwatch.node.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** node.yaml's tls section, with certificates made by deploy/local/make-certs.sh. */
class TlsConfigTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void makeCertificates() throws Exception {
    MakeCertsScript.run(dir.resolve("cluster"), "us-west", "us-east");
    MakeCertsScript.run(dir.resolve("other"), "us-west");
  }

  static String yaml(String ca, String cert, String key) {
    return NodeConfigLoaderTest.CONTRACT_EXAMPLE + "tls:\n  ca: " + ca + "\n  cert: " + cert + "\n  key: " + key + "\n";
  }

  NodeConfig parse(String ca, String cert, String key) throws ConfigException {
    return NodeConfigLoader.parse(dir.resolve("node.yaml"), yaml(ca, cert, key));
  }

  @Test
  void readsPathsRelativeToTheConfigFile() throws Exception {
    NodeConfig c = parse("cluster/ca.crt", "cluster/us-west.crt", "cluster/us-west.key");
    assertThat(c.tls()).contains(new TlsFiles(dir.resolve("cluster/ca.crt"), dir.resolve("cluster/us-west.crt"),
        dir.resolve("cluster/us-west.key")));
    assertThat(NodeConfigLoader.parse(dir.resolve("node.yaml"), NodeConfigLoaderTest.CONTRACT_EXAMPLE).tls()).isEmpty();
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedAtStart() {
    assertThatThrownBy(() -> parse("cluster/ca.crt", "other/us-west.crt", "other/us-west.key"))
        .hasMessageContaining("tls.cert: expected a certificate signed by the cluster CA");
  }

  @Test
  void aCaFileMayHoldTheOldAndTheNewCaDuringARotation() throws Exception {
    Files.writeString(dir.resolve("both-cas.crt"), Files.readString(dir.resolve("cluster/ca.crt"))
        + Files.readString(dir.resolve("other/ca.crt")));
    assertThat(parse("both-cas.crt", "other/us-west.crt", "other/us-west.key").tls()).isPresent();
    assertThat(parse("both-cas.crt", "cluster/us-west.crt", "cluster/us-west.key").tls()).isPresent();
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    assertThatThrownBy(() -> parse("cluster/ca.crt", "cluster/us-west.crt", "cluster/us-east.key"))
        .hasMessageContaining("tls.key: expected the private key of");
  }

  @Test
  void unreadableOrWrongFilesNameTheirField() throws Exception {
    assertThatThrownBy(() -> parse("cluster/nosuch.crt", "cluster/us-west.crt", "cluster/us-west.key"))
        .hasMessageContaining("tls.ca: expected a readable PEM file");
    assertThatThrownBy(() -> parse("cluster/ca.crt", "cluster/us-west.key", "cluster/us-west.key"))
        .hasMessageContaining("tls.cert: expected a readable PEM file");
    Path pkcs1 = Files.writeString(dir.resolve("old.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> parse("cluster/ca.crt", "cluster/us-west.crt", pkcs1.toString()))
        .hasMessageContaining("tls.key:").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> NodeConfigLoader.parse(dir.resolve("node.yaml"), NodeConfigLoaderTest.CONTRACT_EXAMPLE
        + "tls:\n  ca: cluster/ca.crt\n  cert: cluster/us-west.crt\n")).hasMessageContaining("tls.key");
  }
}
