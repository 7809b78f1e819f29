package dev.quorumwatch.coordinator.alert;

import dev.quorumwatch.coordinator.time.ReplicatedZones;
import dev.quorumwatch.coordinator.notify.Outbox;
import dev.quorumwatch.proto.AlertItem;
import dev.quorumwatch.proto.DailyDigest;
import dev.quorumwatch.proto.DigestMark;
import dev.quorumwatch.proto.Incident;
import dev.quorumwatch.proto.Label;
import dev.quorumwatch.proto.Matcher;
import dev.quorumwatch.proto.Notification;
import dev.quorumwatch.proto.ReceiverSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * The once-a-day summary a route may ask for: each target's uptime over the last 24 h and
 * its incidents of that day, one alert per target, worst first. A receiver's first digest
 * comes at the first scheduled time after the digest was configured; a digest whose time
 * passed while no command was applied goes out late rather than never, and only once. The
 * only owner of the digest marks; time comes from the caller.
 */
public final class DailyDigests {
  public static final String ALERTNAME = "QuorumWatchDailyDigest";
  public static final String SEVERITY = "info";
  /** Keeps one call bounded however many targets there are; the rest are counted. */
  public static final int MAX_TARGETS_PER_DIGEST = 500;
  static final long DAY_MS = 24L * 3600 * 1000;

  /** One target's day, as the digest reports it. */
  public record TargetDay(String targetId, Map<String, String> labels, double uptimePercent,
      List<Incident> incidents) {}

  private final TreeMap<String, Long> coveredUntilMs = new TreeMap<>();
  /** Derived: nothing is due before this; 0 after a restore or a change of routes. */
  private long nextDueMs;

  /**
   * Queues every digest due at {@code nowMs}; {@code days} gives the 24 h that end at a
   * scheduled time, and is asked only when a digest is due.
   */
  public void flush(long nowMs, Collection<ReceiverSpec> receivers, ReplicatedZones zones,
      LongFunction<List<TargetDay>> days, String clusterId, Outbox outbox) {
    if (nowMs < nextDueMs) {
      return;
    }
    long nextDue = Long.MAX_VALUE;
    Map<Long, List<TargetDay>> computed = new HashMap<>();
    for (ReceiverSpec receiver : receivers) {
      if (!receiver.getRoute().hasDailyDigest()) {
        continue;
      }
      DailyDigest digest = receiver.getRoute().getDailyDigest();
      Long covered = coveredUntilMs.get(receiver.getId());
      if (covered == null) {
        covered = nowMs; // configured now: the first digest is the next scheduled one
      } else {
        long scheduled = latestScheduledAtOrBefore(digest, nowMs, zones);
        if (scheduled > covered) {
          List<TargetDay> day = computed.computeIfAbsent(scheduled, days::apply);
          outbox.add(notification(receiver, scheduled, nowMs, day, clusterId));
          covered = scheduled;
        }
      }
      coveredUntilMs.put(receiver.getId(), covered);
      nextDue = Math.min(nextDue, firstScheduledAfter(digest, covered, zones));
    }
    nextDueMs = nextDue;
  }

  /** Forgets receivers whose route no longer asks for a digest. */
  public void keepReceivers(Collection<ReceiverSpec> receivers) {
    List<String> wanted = receivers.stream().filter(r -> r.getRoute().hasDailyDigest())
        .map(ReceiverSpec::getId).toList();
    coveredUntilMs.keySet().retainAll(wanted);
    nextDueMs = 0;
  }

  private static Notification.Builder notification(ReceiverSpec receiver, long scheduledMs, long nowMs,
      List<TargetDay> days, String clusterId) {
    List<TargetDay> route = new ArrayList<>();
    for (TargetDay day : days) {
      if (Matchers.matchAll(targetMatchers(receiver), day.labels())) {
        route.add(day);
      }
    }
    route.sort(Comparator.comparingDouble(TargetDay::uptimePercent).thenComparing(TargetDay::targetId));
    Notification.Builder n = Notification.newBuilder()
        .setId(receiver.getId() + "/digest/" + scheduledMs)
        .setReceiverId(receiver.getId())
        .setStatus("firing")
        .setCreatedMs(nowMs)
        .setClusterId(clusterId)
        .setGroupId("digest")
        .addGroupLabels(label("alertname", ALERTNAME))
        .setTruncatedAlerts(Math.max(0, route.size() - MAX_TARGETS_PER_DIGEST));
    long from = scheduledMs - DAY_MS;
    for (TargetDay day : route.subList(0, Math.min(route.size(), MAX_TARGETS_PER_DIGEST))) {
      n.addAlerts(item(day, from, scheduledMs));
    }
    return n;
  }

  /** Matchers on alertname and severity pick alerts, not targets: the digest ignores them. */
  private static List<Matcher> targetMatchers(ReceiverSpec receiver) {
    return receiver.getRoute().getMatchersList().stream()
        .filter(m -> !m.getName().equals("alertname") && !m.getName().equals("severity")).toList();
  }

  private static AlertItem item(TargetDay day, long fromMs, long untilMs) {
    List<String> incidents = new ArrayList<>();
    for (Incident i : day.incidents()) {
      incidents.add(i.getId() + " " + i.getAlertname() + (i.getOpen() ? " open" : " "
          + formatDuration(i.getResolvedMs() - i.getStartedMs())));
    }
    String uptime = String.format(Locale.ROOT, "%.3f", day.uptimePercent());
    AlertItem.Builder item = AlertItem.newBuilder()
        .setIncidentId("")
        .setStatus("firing")
        .setAlertname(ALERTNAME)
        .setTargetId(day.targetId())
        .setSeverity(SEVERITY)
        .setStartsMs(fromMs)
        .setSummary(day.targetId() + ": " + uptime + "% up over the 24 h to " + Instant.ofEpochMilli(untilMs)
            + ", " + day.incidents().size() + (day.incidents().size() == 1 ? " incident" : " incidents"))
        .addAnnotations(label("uptime_24h", uptime))
        .addAnnotations(label("incidents", String.join("; ", incidents)));
    day.labels().forEach((name, value) -> {
      if (!name.equals("target")) {
        item.addLabels(label(name, value));
      }
    });
    return item.build();
  }

  static long latestScheduledAtOrBefore(DailyDigest digest, long nowMs, ReplicatedZones zones) {
    LocalDate today = zones.localDateTime(nowMs, digest.getTimeZone()).toLocalDate();
    long scheduled = scheduledOn(today, digest, zones);
    return scheduled > nowMs ? scheduledOn(today.minusDays(1), digest, zones) : scheduled;
  }

  static long firstScheduledAfter(DailyDigest digest, long afterMs, ReplicatedZones zones) {
    LocalDate day = zones.localDateTime(afterMs, digest.getTimeZone()).toLocalDate();
    long candidate = scheduledOn(day, digest, zones);
    return candidate > afterMs ? candidate : scheduledOn(day.plusDays(1), digest, zones);
  }

  private static long scheduledOn(LocalDate date, DailyDigest digest, ReplicatedZones zones) {
    return zones.epochMs(date.atTime(LocalTime.ofSecondOfDay(digest.getAtMinute() * 60L)), digest.getTimeZone());
  }

  private static String formatDuration(long ms) {
    Duration d = Duration.ofMillis(Math.max(0, ms));
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    return d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : d.toSeconds() + "s";
  }

  private static Label label(String name, String value) {
    return Label.newBuilder().setName(name).setValue(value).build();
  }

  public Collection<DigestMark> marks() {
    List<DigestMark> out = new ArrayList<>();
    coveredUntilMs.forEach((receiver, ms) -> out.add(
        DigestMark.newBuilder().setReceiverId(receiver).setCoveredUntilMs(ms).build()));
    return out;
  }

  public void restore(Collection<DigestMark> marks) {
    coveredUntilMs.clear();
    marks.forEach(m -> coveredUntilMs.put(m.getReceiverId(), m.getCoveredUntilMs()));
    nextDueMs = 0;
  }
}
