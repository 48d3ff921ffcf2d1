package dev.tartan.item.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemError;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.item.registry.ItemEntity;

import java.time.Instant;
import java.util.List;

/** An Item as the app and operators see it: status, error, warnings, the pending re-link (for banners), a scheduled removal. Never the token. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemView(String itemId, String clientUserId, InstitutionRef institution, String status, ItemError error,
                       Instant errorSince, Instant consentExpiresAt, Instant pendingDisconnectAt, String pendingDisconnectReason,
                       List<LinkedAccount> accounts, List<String> revokedAccountIds, List<String> billedProducts,
                       PendingRelink pendingRelink, ScheduledRemoval removal, Instant linkedAt, Instant lastWebhookAt,
                       String lastWebhookCode, Instant lastReconciledAt, Instant lastActivityAt) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PendingRelink(String relinkId, String mode, String reason, String errorCode, Instant deadline,
                                Instant requestedAt, int remindersSent, Instant nextReminderAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ScheduledRemoval(String removalId, String reason, boolean urgent, Instant requestedAt, Instant scheduledFor,
                                   Instant nextAttemptAt, int attempts, String lastError, Instant removedAt) {
    }

    public static ItemView of(ItemEntity i) {
        return new ItemView(i.itemId, i.clientUserId, i.institution(), i.status,
                i.errorCode == null ? null : new ItemError(i.errorType, i.errorCode, i.errorReason), i.errorSince,
                i.consentExpiresAt, i.pendingDisconnectAt, i.pendingDisconnectReason, i.accounts(), i.revokedAccountIds(),
                i.billedProducts(),
                i.relinkId == null ? null : new PendingRelink(i.relinkId, i.relinkMode, i.relinkReason, i.relinkErrorCode,
                        i.relinkDeadline, i.relinkRequestedAt, i.relinkReminders, i.relinkNextReminderAt),
                i.removalId == null ? null : new ScheduledRemoval(i.removalId, i.removalReason, Boolean.TRUE.equals(i.removalUrgent),
                        i.removalRequestedAt, i.removalScheduledFor, i.removedAt == null ? i.removalNextAttemptAt : null,
                        i.removalAttempts, i.removalLastError, i.removedAt),
                i.linkedAt, i.lastWebhookAt, i.lastWebhookCode, i.lastReconciledAt, i.lastActivityAt);
    }
}
