package dev.quorumwatch.coordinator.incident;

import dev.quorumwatch.coordinator.membership.Membership;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.RegionEvidence;
import dev.quorumwatch.proto.TargetSpec;
import dev.quorumwatch.proto.Verdict;
import dev.quorumwatch.proto.VoteRecord;
import dev.quorumwatch.proto.VoteState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The alerts about one target, drafted from its votes: what each says, with which regions and
 * which evidence (what each region saw, since when).
 */
public final class TargetAlerts {
  public static final String TARGET_DOWN = "TargetDown";
  public static final String TARGET_REGIONAL = "TargetRegional";
  public static final String TARGET_DEGRADED = "TargetDegraded";
  public static final String TARGET_CERT_EXPIRING = "TargetCertExpiring";
  public static final String TARGET_RATE_LIMITED = "TargetRateLimited";
  /** The evidence class of a region whose probes are rate limited (its vote is held). */
  public static final String RATE_LIMITED_CLASS = "rate_limited";

  private TargetAlerts() {}

  /** TargetDown, TargetRegional, TargetDegraded or TargetRateLimited for a target, as it stands now. */
  public static Incident.Builder draft(String alertname, String severity, String targetId, TargetSpec spec,
      Collection<VoteRecord> votes, Verdict verdict, Membership membership, long clockMs) {
    List<RegionEvidence> evidence = switch (alertname) {
      case TARGET_DEGRADED -> evidence(votes, VoteState.VOTE_SLOW, membership, clockMs);
      case TARGET_RATE_LIMITED -> evidence(votes, VoteRecord::getRateLimited, membership, clockMs);
      default -> evidence(votes, VoteState.VOTE_DOWN, membership, clockMs);
    };
    int quorum = membership.quorum();
    String summary = switch (alertname) {
      case TARGET_DOWN -> targetId + " is down for " + evidence.size() + " regions (quorum " + quorum + ")";
      case TARGET_REGIONAL -> targetId + " is down for " + String.join(",", regionsOf(evidence))
          + " only, fewer than the quorum of " + quorum;
      case TARGET_RATE_LIMITED -> targetId + " rate limits our probes in " + String.join(",", regionsOf(evidence))
          + ": fewer than the quorum of " + quorum + " regions have an answer, no verdict possible ("
          + verdict.name().replace("VERDICT_", "") + " held)";
      default -> targetId + " is slow for " + evidence.size() + " regions (quorum " + quorum + ")"
          + (evidence.isEmpty() ? "" : ": " + evidence.get(0).getDetail());
    };
    return Incident.newBuilder()
        .setTargetId(targetId)
        .setAlertname(alertname)
        .setSeverity(severity)
        .addAllRegions(regionsOf(evidence))
        .addAllEvidence(evidence)
        .addAllLabels(spec == null ? List.of() : spec.getLabelsList())
        .setSummary(summary);
  }

  /**
   * TargetCertExpiring while a quorum of fresh votes saw a certificate that expires within
   * the target's warning window; resolved when that is no longer so (renewed).
   *
   * @param openId the target's open TargetCertExpiring, or ""
   * @return the target's open TargetCertExpiring afterwards, or ""
   */
  public static String checkCertificate(String targetId, TargetSpec spec, Collection<VoteRecord> votes, String openId,
      Membership membership, long clockMs, IncidentOpener incidents) {
    long window = spec == null ? 0 : spec.getHttp().getCertExpiryWarningMs();
    List<RegionEvidence> expiring = new ArrayList<>();
    long soonest = Long.MAX_VALUE;
    if (window > 0) {
      for (VoteRecord vote : votes) {
        long notAfter = vote.getCertNotAfterMs();
        if (notAfter > 0 && !vote.getWithdrawn() && membership.isFresh(vote.getNodeId(), clockMs)
            && notAfter - clockMs < window) {
          soonest = Math.min(soonest, notAfter);
          expiring.add(RegionEvidence.newBuilder().setRegion(membership.regionOf(vote.getNodeId()))
              .setNodeId(vote.getNodeId()).setFailureClass("cert_expiring")
              .setDetail("expires " + Instant.ofEpochMilli(notAfter)).setSinceMs(vote.getSinceMs()).build());
        }
      }
    }
    // No settings yet means quorum 0: nothing is known about the cluster, so nothing warns.
    boolean warn = membership.quorum() > 0 && expiring.size() >= membership.quorum();
    if (warn && openId.isEmpty()) {
      long days = (soonest - clockMs) / 86_400_000L;
      return incidents.open(Incident.newBuilder()
          .setTargetId(targetId)
          .setAlertname(TARGET_CERT_EXPIRING)
          .setSeverity(Severity.WARNING)
          .addAllRegions(regionsOf(expiring))
          .addAllEvidence(expiring)
          .addAllLabels(spec.getLabelsList())
          .setSummary(targetId + ": TLS certificate expires " + Instant.ofEpochMilli(soonest)
              + (soonest <= clockMs ? " (expired)" : " (in " + days + " days)"))).getId();
    }
    if (!warn && !openId.isEmpty()) {
      incidents.resolve(openId);
      return "";
    }
    return openId;
  }

  /** The regions whose fresh, current votes say "down": an open TargetDown's regions grow with them. */
  public static SortedSet<String> downRegions(Collection<VoteRecord> votes, Membership membership, long clockMs) {
    return regionsOf(evidence(votes, VoteState.VOTE_DOWN, membership, clockMs));
  }

  /**
   * The fresh, current votes of one kind, one per node: what the regions saw, since when. A
   * withdrawn or rate-limited vote is an opinion held from earlier answers, no evidence.
   */
  private static List<RegionEvidence> evidence(Collection<VoteRecord> votes, VoteState kind, Membership membership,
      long clockMs) {
    return evidence(votes, v -> v.getState() == kind && !v.getWithdrawn() && !v.getRateLimited(), membership,
        clockMs);
  }

  /** The fresh votes {@code counted} selects, one per node, as evidence (class rate_limited for held ones). */
  private static List<RegionEvidence> evidence(Collection<VoteRecord> votes, Predicate<VoteRecord> counted,
      Membership membership, long clockMs) {
    List<RegionEvidence> out = new ArrayList<>();
    for (VoteRecord vote : votes) {
      if (counted.test(vote) && membership.isFresh(vote.getNodeId(), clockMs)) {
        out.add(RegionEvidence.newBuilder().setRegion(membership.regionOf(vote.getNodeId()))
            .setNodeId(vote.getNodeId())
            .setFailureClass(vote.getRateLimited() ? RATE_LIMITED_CLASS : vote.getFailureClass())
            .setDetail(vote.getDetail()).setSinceMs(vote.getSinceMs()).build());
      }
    }
    return out;
  }

  private static SortedSet<String> regionsOf(List<RegionEvidence> evidence) {
    TreeSet<String> regions = new TreeSet<>();
    evidence.forEach(e -> regions.add(e.getRegion()));
    return regions;
  }
}
