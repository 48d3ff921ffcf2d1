package dev.tartan.item.state;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the state machine knows about one Item. Immutable: a transition returns a new one.
 *
 * @param status               the current status
 * @param error                the current error, when broken
 * @param errorSince           when the Item last left a working state (kept across error code changes; the churn
 *                             policy's "error unresolved for 30 days" counts from here)
 * @param statusChangedAt      when {@code status} last changed
 * @param lastRecoveredAt      when the Item last became healthy again after an error or a warning
 * @param consentExpiresAt     Plaid's {@code consent_expiration_time}, if the institution expires consent
 * @param pendingDisconnectAt  {@code disconnect_time} of the last {@code PENDING_DISCONNECT}
 * @param pendingDisconnectReason its {@code reason}
 * @param revokedAccountIds    accounts revoked at the bank ({@code USER_ACCOUNT_REVOKED})
 * @param newAccountsPending   Plaid reported new accounts that the user has not selected yet
 * @param relink               the open re-link episode, if any
 */
public record ItemState(ItemStatus status, ItemErrorState error, Instant errorSince, Instant statusChangedAt,
                        Instant lastRecoveredAt, Instant consentExpiresAt, Instant pendingDisconnectAt,
                        String pendingDisconnectReason, Set<String> revokedAccountIds, boolean newAccountsPending,
                        RelinkEpisode relink) {

    public ItemState {
        revokedAccountIds = revokedAccountIds == null ? Set.of() : Set.copyOf(new LinkedHashSet<>(revokedAccountIds));
    }

    /** A freshly linked Item. */
    public static ItemState linked(Instant linkedAt) {
        return new ItemState(ItemStatus.HEALTHY, null, null, linkedAt, null, null, null, null, Set.of(), false, null);
    }

    ItemState withStatus(ItemStatus newStatus, ItemErrorState newError, Instant at) {
        Instant since = newStatus.broken() ? (errorSince != null && status.broken() ? errorSince : at) : null;
        Instant changedAt = newStatus == status ? statusChangedAt : at;
        return new ItemState(newStatus, newStatus.broken() ? newError : null, since, changedAt, lastRecoveredAt,
                consentExpiresAt, pendingDisconnectAt, pendingDisconnectReason, revokedAccountIds, newAccountsPending, relink);
    }

    ItemState recovered(Instant at) {
        return new ItemState(ItemStatus.HEALTHY, null, null, status == ItemStatus.HEALTHY ? statusChangedAt : at, at,
                consentExpiresAt, null, null, revokedAccountIds, newAccountsPending, relink);
    }

    ItemState withConsentExpiresAt(Instant at) {
        return new ItemState(status, error, errorSince, statusChangedAt, lastRecoveredAt, at, pendingDisconnectAt,
                pendingDisconnectReason, revokedAccountIds, newAccountsPending, relink);
    }

    ItemState withPendingDisconnect(Instant at, String reason) {
        return new ItemState(status, error, errorSince, statusChangedAt, lastRecoveredAt, consentExpiresAt, at, reason,
                revokedAccountIds, newAccountsPending, relink);
    }

    ItemState withRevokedAccount(String accountId) {
        Set<String> revoked = new LinkedHashSet<>(revokedAccountIds);
        revoked.add(accountId);
        return new ItemState(status, error, errorSince, statusChangedAt, lastRecoveredAt, consentExpiresAt,
                pendingDisconnectAt, pendingDisconnectReason, revoked, newAccountsPending, relink);
    }

    ItemState withNewAccountsPending(boolean pending) {
        return new ItemState(status, error, errorSince, statusChangedAt, lastRecoveredAt, consentExpiresAt,
                pendingDisconnectAt, pendingDisconnectReason, revokedAccountIds, pending, relink);
    }

    public ItemState withRelink(RelinkEpisode episode) {
        return new ItemState(status, error, errorSince, statusChangedAt, lastRecoveredAt, consentExpiresAt,
                pendingDisconnectAt, pendingDisconnectReason, revokedAccountIds, newAccountsPending, episode);
    }
}
