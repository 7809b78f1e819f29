package dev.quorumwatch.coordinator.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quorumwatch.proto.Matcher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchersTest {
  private static boolean match(String matcher, Map<String, String> labels) {
    return Matchers.matchAll(List.of(Matchers.parse(matcher)), labels);
  }

  @Test
  void operatorsMatchLikeAlertmanager() {
    Map<String, String> labels = Map.of("service", "api", "team", "core");
    assertThat(match("service=api", labels)).isTrue();
    assertThat(match("service!=api", labels)).isFalse();
    assertThat(match("team=~co.*", labels)).isTrue();
    assertThat(match("team=~co", labels)).as("anchored to the whole value").isFalse();
    assertThat(match("team!~\"edge|core\"", labels)).isFalse();
    assertThat(match("zone=", labels)).as("a missing label is the empty string").isTrue();
    assertThat(match("zone!=eu", labels)).isTrue();
  }

  @Test
  void parseAndFormatRoundTrip() {
    for (String text : List.of("a=b", "a!=\"x y\"", "a=~\"x|y\"", "a!~\"q\\\"r\"")) {
      Matcher m = Matchers.parse(text);
      assertThat(Matchers.parse(Matchers.format(m))).isEqualTo(m);
    }
  }

  @Test
  void badMatchersAreRejectedWithTheReason() {
    assertThatThrownBy(() -> Matchers.parse("service")).hasMessageContaining("expected a matcher like name=value");
    assertThatThrownBy(() -> Matchers.parse("service=~(")).hasMessageContaining("bad regular expression '('");
  }
}
