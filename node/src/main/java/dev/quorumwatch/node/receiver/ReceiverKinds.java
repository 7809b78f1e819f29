package dev.quorumwatch.node.receiver;

import dev.quorumwatch.node.receiver.discord.DiscordKind;
import dev.quorumwatch.node.receiver.email.EmailKind;
import dev.quorumwatch.node.receiver.msteams.TeamsKind;
import dev.quorumwatch.node.receiver.ntfy.NtfyKind;
import dev.quorumwatch.node.receiver.opsgenie.OpsgenieKind;
import dev.quorumwatch.node.receiver.pagerduty.PagerDutyKind;
import dev.quorumwatch.node.receiver.slack.SlackKind;
import dev.quorumwatch.node.receiver.telegram.TelegramKind;
import dev.quorumwatch.node.receiver.webhook.WebhookKind;
import dev.quorumwatch.proto.ReceiverSpec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Every receiver kind, in the order the docs list them; the parser and the dispatcher look kinds up here. */
public final class ReceiverKinds {
  public static final List<ReceiverKind> ALL = List.of(new WebhookKind(), new EmailKind(), new SlackKind(),
      new PagerDutyKind(), new OpsgenieKind(), new TeamsKind(), new DiscordKind(), new TelegramKind(), new NtfyKind());
  private static final Map<ReceiverSpec.KindCase, ReceiverKind> BY_CASE = new EnumMap<>(ReceiverSpec.KindCase.class);

  static {
    for (ReceiverKind kind : ALL) {
      BY_CASE.put(kind.kindCase(), kind);
    }
  }

  private ReceiverKinds() {}

  /** The kind of {@code spec}; every oneof case but KIND_NOT_SET has one (the coordinator refuses that). */
  public static ReceiverKind of(ReceiverSpec spec) {
    ReceiverKind kind = BY_CASE.get(spec.getKindCase());
    if (kind == null) {
      throw new IllegalArgumentException("receiver " + spec.getId() + " has no kind this node knows");
    }
    return kind;
  }
}
