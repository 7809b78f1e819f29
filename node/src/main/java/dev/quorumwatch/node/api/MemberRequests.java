package dev.quorumwatch.node.api;

import dev.quorumwatch.node.config.HostPort;
import dev.quorumwatch.proto.AddMemberRequest;
import java.util.regex.Pattern;

/** Checks of membership requests; each message names the field and what was expected. */
final class MemberRequests {
  /** Node ids end up in Raft peer ids, file names and log lines. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private MemberRequests() {}

  static String problem(AddMemberRequest r) {
    if (!ID.matcher(r.getId()).matches()) {
      return "id: expected 1-63 letters, digits, '.', '_' or '-' (starting with a letter or digit), got '" + r.getId() + "'";
    }
    if (r.getRegion().length() > 63) {
      return "region: at most 63 characters, got " + r.getRegion().length();
    }
    if (HostPort.parse(r.getRaft()) == null) {
      return "raft: expected HOST:PORT, got '" + r.getRaft() + "'";
    }
    if (HostPort.parse(r.getApi()) == null) {
      return "api: expected HOST:PORT, got '" + r.getApi() + "'";
    }
    return null;
  }
}
