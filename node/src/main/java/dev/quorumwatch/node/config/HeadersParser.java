package dev.quorumwatch.node.config;

import dev.quorumwatch.node.secret.Secrets;
import dev.quorumwatch.proto.Label;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A {@code headers:} map of a probe or a repair action. Values may hold secrets by reference
 * ({@code ${NAME}}, {@code ${file:PATH}}: {@link Secrets}), looked up on each node when the
 * request is sent; a malformed reference is an error here, not a surprise at 3 a.m.
 */
final class HeadersParser {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private HeadersParser() {}

  static List<Label> parse(YamlTree holder) throws ConfigException {
    List<Label> headers = new ArrayList<>();
    for (Map.Entry<String, String> header : new TreeMap<>(holder.stringMap("headers")).entrySet()) {
      YamlTree field = holder.child("headers").child(header.getKey());
      if (!TOKEN.matcher(header.getKey()).matches()) {
        throw field.error("expected a header name (letters, digits and -), got '" + header.getKey() + "'");
      }
      String value = header.getValue();
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw field.error("expected a one-line value");
      }
      if (Secrets.hasMalformedReference(value)) {
        throw field.error("expected ${NAME} (an environment variable) or ${file:/path} in a reference");
      }
      headers.add(Label.newBuilder().setName(header.getKey()).setValue(value).build());
    }
    return headers;
  }
}
