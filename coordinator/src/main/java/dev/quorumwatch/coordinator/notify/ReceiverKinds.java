package dev.quorumwatch.coordinator.notify;

import dev.quorumwatch.proto.MonitorsSpec;
import dev.quorumwatch.proto.ReceiverSpec;

/**
 * What the coordinator needs to know of receiver kinds: that a receiver has one, with the
 * address it cannot do without, and whether a monitors spec uses anything that replicas
 * older than {@code Protocol.RECEIVER_KINDS} would reject. Everything else about a kind
 * (its fields, its messages, how it is sent) belongs to the node.
 */
public final class ReceiverKinds {
  private ReceiverKinds() {}

  /** Null when usable, else the field path below {@code receivers[i]} and what is wrong. */
  public static String problem(ReceiverSpec r) {
    String missing = switch (r.getKindCase()) {
      case WEBHOOK -> r.getWebhook().getUrl().isEmpty() ? ".webhook.url" : null;
      case EMAIL -> r.getEmail().getToCount() == 0 ? ".email.to"
          : r.getEmail().getSmarthost().isEmpty() ? ".email.smarthost"
          : r.getEmail().getFrom().isEmpty() ? ".email.from" : null;
      case SLACK -> r.getSlack().getApiUrl().isEmpty() ? ".slack.api_url" : null;
      case PAGERDUTY -> r.getPagerduty().getRoutingKey().isEmpty() ? ".pagerduty.routing_key"
          : r.getPagerduty().getUrl().isEmpty() ? ".pagerduty.url" : null;
      case OPSGENIE -> r.getOpsgenie().getApiKey().isEmpty() ? ".opsgenie.api_key"
          : r.getOpsgenie().getApiUrl().isEmpty() ? ".opsgenie.api_url" : null;
      case MSTEAMS -> r.getMsteams().getWebhookUrl().isEmpty() ? ".msteams.webhook_url" : null;
      case DISCORD -> r.getDiscord().getWebhookUrl().isEmpty() ? ".discord.webhook_url" : null;
      case TELEGRAM -> r.getTelegram().getBotToken().isEmpty() ? ".telegram.bot_token"
          : r.getTelegram().getChatId().isEmpty() ? ".telegram.chat_id"
          : r.getTelegram().getApiUrl().isEmpty() ? ".telegram.api_url" : null;
      case NTFY -> r.getNtfy().getUrl().isEmpty() ? ".ntfy.url" : null;
      case KIND_NOT_SET -> "";
    };
    if (missing == null) {
      return r.getFallbackAfterMs() < 0 ? ".fallback_after: must not be negative" : null;
    }
    return missing.isEmpty() ? ": no kind (webhook, email, slack, pagerduty, opsgenie, msteams, discord, telegram or ntfy)"
        : missing + ": missing";
  }

  /** Whether any receiver needs {@code Protocol.RECEIVER_KINDS}: older replicas reject such a spec. */
  public static boolean needsReceiverKinds(MonitorsSpec spec) {
    for (ReceiverSpec r : spec.getReceiversList()) {
      if (r.getKindCase() != ReceiverSpec.KindCase.WEBHOOK || !r.getFallback().isEmpty() || r.hasTemplates()) {
        return true;
      }
    }
    return false;
  }
}
