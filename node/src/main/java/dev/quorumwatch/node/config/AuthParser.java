package dev.quorumwatch.node.config;

import dev.quorumwatch.node.auth.ApiAuth;
import dev.quorumwatch.node.auth.ApiToken;
import dev.quorumwatch.node.auth.TokenHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code auth} section of node.yaml. A token's value never appears in the file: it is
 * given as its SHA-256 ({@code sha256}), or read at start from an environment variable
 * ({@code env}) or a file ({@code file}) and kept only as its hash.
 */
final class AuthParser {
  private AuthParser() {}

  /**
   * Without an {@code auth} section the API needs no token only while it listens on loopback:
   * an API reachable from other machines needs tokens, or {@code auth.insecure: true} said out
   * loud.
   */
  static ApiAuth absent(YamlTree root, HostPort api) throws ConfigException {
    if (!api.isLoopback()) {
      throw root.error("expected an auth section: the API listens on " + api + ", beyond this machine; add"
          + " auth.tokens (docs/security.md), or auth: {insecure: true} to accept anyone who can reach it");
    }
    return ApiAuth.NONE;
  }

  static ApiAuth parse(YamlTree auth, Path base, Function<String, String> env) throws ConfigException {
    auth.onlyKeys(Set.of("tokens", "rate_limit", "insecure"));
    if (auth.has("insecure") && auth.bool("insecure", false)) {
      if (auth.has("tokens")) {
        throw auth.child("insecure").error("expected either tokens or insecure: true, not both");
      }
      return ApiAuth.NONE;
    }
    List<ApiToken> tokens = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlTree t : auth.list("tokens")) {
      t.onlyKeys(Set.of("name", "role", "sha256", "env", "file"));
      String name = t.string("name");
      if (!names.add(name)) {
        throw t.child("name").error("expected a unique token name, got '" + name + "' twice");
      }
      ApiToken.Role role = switch (t.string("role").toLowerCase(Locale.ROOT)) {
        case "read" -> ApiToken.Role.READ;
        case "admin" -> ApiToken.Role.ADMIN;
        default -> throw t.child("role").error("expected 'read' or 'admin', got '" + t.string("role") + "'");
      };
      int sources = (t.has("sha256") ? 1 : 0) + (t.has("env") ? 1 : 0) + (t.has("file") ? 1 : 0);
      if (sources != 1) {
        throw t.error("expected exactly one of sha256, env or file (never the token itself)");
      }
      tokens.add(new ApiToken(name, role, hashOf(t, base, env)));
    }
    if (tokens.isEmpty()) {
      throw auth.child("tokens").error("expected at least one token (or leave out the auth section)");
    }
    double perSecond = ApiAuth.DEFAULT_PER_SECOND;
    double burst = ApiAuth.DEFAULT_BURST;
    if (auth.has("rate_limit")) {
      YamlTree limit = auth.object("rate_limit").onlyKeys(Set.of("per_second", "burst"));
      perSecond = limit.has("per_second") ? limit.child("per_second").asInt(1, 1_000_000) : perSecond;
      burst = limit.has("burst") ? limit.child("burst").asInt(1, 1_000_000) : burst;
    }
    return new ApiAuth(List.copyOf(tokens), perSecond, burst);
  }

  private static byte[] hashOf(YamlTree t, Path base, Function<String, String> env) throws ConfigException {
    if (t.has("sha256")) {
      String hex = t.string("sha256").toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw t.child("sha256").error("expected 64 hex digits (sha256sum of the token), got " + hex.length() + " characters");
      }
      return HexFormat.of().parseHex(hex);
    }
    String value;
    if (t.has("env")) {
      String var = t.string("env");
      value = env.apply(var);
      if (value == null || value.isBlank()) {
        throw t.child("env").error("expected environment variable " + var + " to hold the token, but it is not set");
      }
    } else {
      Path file = t.path("file", base);
      try {
        value = Files.readString(file).strip();
      } catch (IOException e) {
        throw t.child("file").error("expected a readable file with the token, but " + file + ": " + e.getMessage());
      }
      if (value.isEmpty()) {
        throw t.child("file").error("expected a token in " + file + ", but the file is empty");
      }
    }
    return TokenHashes.sha256(value.strip());
  }
}
