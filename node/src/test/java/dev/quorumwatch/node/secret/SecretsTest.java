package dev.quorumwatch.node.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.node.config.MonitorsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** References read only what node.yaml's secrets allow, and say so by name when they may not. */
class SecretsTest {
  @TempDir
  Path dir;

  Secrets secrets(List<String> env, List<Path> dirs) {
    return new Secrets(Map.of("QW_KEY", "k3y", "AWS_SECRET_ACCESS_KEY", "aws-s3cret", "OPS_TOKEN", "t0ken")::get,
        new SecretAllowance(env, dirs));
  }

  @Test
  void variablesOnlyByTheAllowedNamesOrPrefixes() {
    Secrets defaults = secrets(SecretAllowance.DEFAULT.envPatterns(), List.of());
    assertThat(defaults.expand("Bearer ${QW_KEY}")).isEqualTo("Bearer k3y");
    assertThatThrownBy(() -> defaults.expand("${AWS_SECRET_ACCESS_KEY}"))
        .hasMessage("environment variable AWS_SECRET_ACCESS_KEY is not allowed by node.yaml secrets: {env: [QW_*,"
            + " QUORUMWATCH_*], dirs: []}")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("aws-s3cret"));
    assertThat(secrets(List.of("OPS_TOKEN"), List.of()).expand("${OPS_TOKEN}")).isEqualTo("t0ken");
    assertThatThrownBy(() -> secrets(List.of("OPS_TOKEN"), List.of()).expand("${OPS_TOKEN_2}"))
        .hasMessageContaining("is not allowed");
  }

  @Test
  void filesOnlyRegularSmallAndInsideTheAllowedDirectories() throws Exception {
    Path allowed = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(allowed.resolve("key"), "f1le-s3cret\n");
    Files.write(allowed.resolve("big"), new byte[70_000]);
    Path outside = Files.writeString(dir.resolve("elsewhere"), "not for us");
    Files.createSymbolicLink(allowed.resolve("escape"), outside);
    Secrets s = secrets(List.of(), List.of(allowed));
    assertThat(s.expand("${file:" + allowed.resolve("key") + "}")).isEqualTo("f1le-s3cret");
    assertThatThrownBy(() -> s.expand("${file:" + outside + "}")).hasMessageContaining("is not allowed by node.yaml");
    assertThatThrownBy(() -> s.expand("${file:" + allowed.resolve("../elsewhere") + "}"))
        .hasMessageContaining("is not allowed by node.yaml");
    assertThatThrownBy(() -> s.expand("${file:" + allowed.resolve("escape") + "}"))
        .hasMessageEndingWith("leads outside node.yaml's secrets.dirs");
    assertThatThrownBy(() -> s.expand("${file:" + allowed.resolve("big") + "}"))
        .hasMessageEndingWith("has 70000 bytes, at most 65536");
    assertThatThrownBy(() -> s.expand("${file:" + allowed + "}")).hasMessageEndingWith("is not a regular file");
    assertThatThrownBy(() -> s.expand("${file:/etc/passwd}")).hasMessageContaining("is not allowed by node.yaml");
  }

  @Test
  void aMonitorsFileIsCheckedForEveryReferenceBeforeItIsApplied() throws Exception {
    Secrets s = secrets(SecretAllowance.DEFAULT.envPatterns(), List.of(dir));
    String ok = """
        targets:
          - {id: a, http: {url: "http://127.0.0.1:1/", headers: {Authorization: "Bearer ${QW_KEY}"}}}
        receivers:
          - {id: r, webhook: {url: "http://127.0.0.1:1/${QW_PATH}", secret_file: "%s/hook"}}
        """.formatted(dir);
    assertThat(s.disallowedReference(ok, MonitorsParser.parse("m.yaml", ok))).isNull();
    String prying = ok.replace("${QW_KEY}", "${AWS_SECRET_ACCESS_KEY}");
    assertThat(s.disallowedReference(prying, MonitorsParser.parse("m.yaml", prying)))
        .startsWith("${AWS_SECRET_ACCESS_KEY} is not allowed by node.yaml secrets:");
    String fileElsewhere = ok.replace(dir + "/hook", "/etc/shadow");
    assertThat(s.disallowedReference(fileElsewhere, MonitorsParser.parse("m.yaml", fileElsewhere)))
        .startsWith("receiver r: secret_file /etc/shadow is not allowed");
    String envElsewhere = ok.replace("secret_file: \"" + dir + "/hook\"", "secret_env: HOME");
    assertThat(s.disallowedReference(envElsewhere, MonitorsParser.parse("m.yaml", envElsewhere)))
        .startsWith("receiver r: secret_env HOME is not allowed");
  }
}
