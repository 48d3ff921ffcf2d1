package dev.tartan.item.state;

import dev.tartan.contracts.link.UpdateMode;

import java.time.Instant;

/** Something that happened to an Item: the inputs of the state machine. */
public sealed interface Signal {

    /** Short name used as the {@code cause} of {@code item.status-changed}. */
    String cause();

    /**
     * An ITEM webhook (REFERENCE 2.2), with the fields the state machine uses.
     *
     * @param receivedAt when webhook-ingest accepted this delivery (Plaid's bodies carry no time)
     */
    record Webhook(String code, ItemErrorState error, Instant consentExpiresAt, Instant disconnectAt,
                   String disconnectReason, String accountId, Instant receivedAt) implements Signal {
        public static Webhook of(String code, Instant receivedAt) {
            return new Webhook(code, null, null, null, null, null, receivedAt);
        }

        public static Webhook error(ItemErrorState error, Instant receivedAt) {
            return new Webhook(WebhookCodes.ERROR, error, null, null, null, null, receivedAt);
        }

        @Override
        public String cause() {
            return code;
        }
    }

    /** link-service reports that the user finished update mode ({@code link.update-completed}). */
    record UpdateCompleted(UpdateMode mode, Instant completedAt) implements Signal {
        @Override
        public String cause() {
            return "UPDATE_MODE_COMPLETED";
        }
    }

    /**
     * What {@code /item/get} said (reconciliation, or verifying a contradictory webhook).
     *
     * @param error            the Item's current error, or null when Plaid reports none
     * @param consentExpiresAt {@code consent_expiration_time}
     */
    record Reconciled(ItemErrorState error, Instant consentExpiresAt, Instant at) implements Signal {
        @Override
        public String cause() {
            return "RECONCILIATION";
        }
    }

    /** The Item was removed at Plaid (or Plaid answered ITEM_NOT_FOUND). */
    record Removed(Instant at) implements Signal {
        @Override
        public String cause() {
            return "REMOVAL";
        }
    }
}
