package dev.quorumwatch.node.config;

import dev.quorumwatch.coordinator.alert.Matchers;
import dev.quorumwatch.proto.HttpProbe;
import dev.quorumwatch.proto.StatusRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A target's {@code http:} block: what to send (method, headers, body), what counts as up
 * (status codes and ranges, body contains / regex / JSON field), redirects, TLS and whether
 * each probe uses a fresh connection.
 */
public final class HttpProbeParser {
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  static final int MAX_REDIRECTS = 10;
  private static final Pattern RANGE = Pattern.compile("([1-5]\\d\\d)\\s*-\\s*([1-5]\\d\\d)");

  private HttpProbeParser() {}

  public static HttpProbe parse(YamlTree http) throws ConfigException {
    http.onlyKeys(Set.of("url", "method", "headers", "body", "expect_status", "expect_body", "redirects", "tls",
        "connection", "cert_expiry_warning"));
    HttpProbe.Builder probe = HttpProbe.newBuilder().setUrl(MonitorsParser.httpUrl(http, "url"));
    String method = http.string("method", "GET").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw http.child("method").error("expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got '"
          + method + "'");
    }
    probe.setMethod(method).setBody(http.string("body", ""));
    probe.addAllHeaders(HeadersParser.parse(http));
    if (http.has("expect_status")) {
      List<YamlTree> codes = http.list("expect_status");
      if (codes.isEmpty()) {
        throw http.child("expect_status").error("expected at least one status code");
      }
      for (YamlTree code : codes) {
        Matcher range = code.isText() ? RANGE.matcher(code.asString()) : null;
        if (range != null && range.matches()) {
          int from = Integer.parseInt(range.group(1));
          int to = Integer.parseInt(range.group(2));
          if (from > to) {
            throw code.error("expected a range low-high, got '" + code.asString() + "'");
          }
          probe.addExpectStatusRanges(StatusRange.newBuilder().setFrom(from).setTo(to));
        } else if (code.isText() && !code.asString().matches("\\d+")) {
          throw code.error("expected a status code or a range such as 200-299, got '" + code.asString() + "'");
        } else {
          probe.addExpectStatus(code.asInt(100, 599));
        }
      }
    } else {
      probe.addExpectStatus(200);
    }
    if (http.has("expect_body")) {
      YamlTree body = http.object("expect_body").onlyKeys(Set.of("contains", "regex", "json"));
      probe.setBodyContains(body.string("contains", ""));
      String regex = body.string("regex", "");
      if (regex.length() > Matchers.MAX_VALUE_CHARS) {
        throw body.child("regex").error("expected at most " + Matchers.MAX_VALUE_CHARS + " characters, got "
            + regex.length());
      }
      try {
        com.google.re2j.Pattern.compile(regex);
      } catch (com.google.re2j.PatternSyntaxException e) {
        throw body.child("regex").error("bad regular expression '" + regex + "' (RE2 syntax: " + e.getDescription()
            + ")");
      }
      probe.setBodyRegex(regex);
      if (body.has("json")) {
        YamlTree json = body.object("json").onlyKeys(Set.of("pointer", "equals"));
        String pointer = json.string("pointer");
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
          throw json.child("pointer").error("expected a JSON pointer such as /status, got '" + pointer + "'");
        }
        probe.setJsonPointer(pointer).setJsonEquals(json.string("equals"));
      }
    }
    probe.setMaxRedirects(http.integer("redirects", 0, 0, MAX_REDIRECTS));
    if (http.has("tls")) {
      YamlTree tls = http.object("tls").onlyKeys(Set.of("verify", "ca_file", "server_name"));
      probe.setTlsInsecure(!tls.bool("verify", true));
      String ca = tls.string("ca_file", "");
      if (!ca.isEmpty() && !Files.isReadable(tls.path("ca_file", Path.of("")))) {
        throw tls.child("ca_file").error("cannot read '" + ca + "' (the file must exist on every node)");
      }
      probe.setTlsCaFile(ca).setTlsServerName(tls.string("server_name", ""));
    }
    String connection = http.string("connection", "keep_alive");
    if (!connection.equals("keep_alive") && !connection.equals("fresh")) {
      throw http.child("connection").error("expected keep_alive or fresh, got '" + connection + "'");
    }
    probe.setFreshConnection(connection.equals("fresh"));
    if (http.has("cert_expiry_warning")) {
      if (!probe.getUrl().startsWith("https://")) {
        throw http.child("cert_expiry_warning").error("applies to https:// URLs only");
      }
      probe.setCertExpiryWarningMs(http.durationMs("cert_expiry_warning", 0));
    }
    return probe.build();
  }
}
