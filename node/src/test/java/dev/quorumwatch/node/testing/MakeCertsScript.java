package dev.quorumwatch.node.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates made the way the docs tell operators to: deploy/local/make-certs.sh. */
public final class MakeCertsScript {
  private MakeCertsScript() {}

  /** A CA in {@code dir} (reused if there) and a certificate and key per node id. */
  public static void run(Path dir, String... nodes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of("..", "deploy", "local", "make-certs.sh").toString(), dir.toString()));
    command.addAll(List.of(nodes));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("make-certs.sh finished").isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
  }
}
