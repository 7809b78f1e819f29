package dev.quorumwatch.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quorumwatch.node.testing.YamlMutations;
import java.nio.file.Path;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random damage to valid node configs and monitors files: each one is either accepted or
 * rejected with a ConfigException that names the file and the field (or says the YAML itself
 * is broken). Any other exception, a crash in waiting, fails the property.
 */
class ConfigPropertiesTest {
  static final Path NODE_YAML = Path.of("/etc/quorumwatch/node.yaml");
  static final String NODE_WITH_AUTH = NodeConfigLoaderTest.CONTRACT_EXAMPLE + """
      auth:
        tokens:
          - {name: alice, role: admin, sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
          - {name: dashboards, role: read, env: QW_DASHBOARD_TOKEN}
        rate_limit: {per_second: 5, burst: 10}
      """;
  /**
   * FILE: then what is wrong with the whole file, or a field path (as the user spelled it, for
   * an unknown key) and what was expected there.
   */
  static final Pattern NAMED = Pattern.compile("(?s)(not valid YAML: .+ \\(line \\d+, column \\d+\\)|the file is empty"
      + "|.+: .+)");

  @Property(tries = 400)
  void everyNodeConfigIsAcceptedOrRejectedNamingAField(@ForAll("nodeConfigs") String text) {
    try {
      NodeConfigLoader.parse(NODE_YAML, text, name -> name.equals("QW_DASHBOARD_TOKEN") ? "dash-token" : null);
    } catch (ConfigException e) {
      assertNamed(e, NODE_YAML.toString());
    }
  }

  @Property(tries = 600)
  void everyMonitorsFileIsAcceptedOrRejectedNamingAField(@ForAll("monitorsFiles") String text) {
    try {
      MonitorsParser.parse("monitors.yaml", text);
    } catch (ConfigException e) {
      assertNamed(e, "monitors.yaml");
    }
  }

  static void assertNamed(ConfigException e, String file) {
    assertThat(e.getMessage()).startsWith(file + ": ");
    // The message may quote what the user wrote (a key such as "!!java.io.File x"), never a
    // Java exception's name.
    assertThat(e.getMessage().substring(file.length() + 2)).matches(NAMED)
        .doesNotContainPattern("\\b(java|javax|com|org|io)\\.[\\w.$]*(Exception|Error)\\b");
  }

  @Provide
  Arbitrary<String> nodeConfigs() {
    return Arbitraries.oneOf(YamlMutations.of(NodeConfigLoaderTest.CONTRACT_EXAMPLE), YamlMutations.of(NODE_WITH_AUTH));
  }

  @Provide
  Arbitrary<String> monitorsFiles() {
    return Arbitraries.oneOf(YamlMutations.of(MonitorsParserTest.ALERTING), YamlMutations.of(MonitorsParserTest.SERVICES),
        YamlMutations.of(MonitorsParserTest.REPAIRED));
  }
}
