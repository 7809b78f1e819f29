package dev.quorumwatch.coordinator.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.quorumwatch.proto.Matcher;
import java.time.Duration;
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

  @Test
  void aCatastrophicPatternMatchesInLinearTime() {
    // With java.util.regex this pair ran for hours inside apply and stopped every replica.
    String value = "a".repeat(60) + "b";
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertThat(match("target=~\"(.*a){25}\"", Map.of("target", value))).isFalse();
      assertThat(match("target=~\"(a|aa)+$\"", Map.of("target", value))).isFalse();
    });
  }

  @Test
  void patternsAndMatchersAreBounded() {
    assertThatThrownBy(() -> Matchers.parse("a=~(a)\\1")).as("no backreferences")
        .hasMessageContaining("bad regular expression").hasMessageContaining("RE2 syntax");
    assertThat(Matchers.problem(List.of(Matcher.newBuilder().setName("a").setValue("x".repeat(1025)).build())))
        .isEqualTo("the value for label a has 1025 characters, at most 1024");
    List<Matcher> many = java.util.Collections.nCopies(33, Matchers.parse("a=b"));
    assertThat(Matchers.problem(many)).isEqualTo("at most 32 matchers, got 33");
    assertThatThrownBy(() -> Matchers.parse("a=" + "x".repeat(3000)))
        .hasMessage("expected a matcher of at most 2048 characters, got 3002");
  }
}
