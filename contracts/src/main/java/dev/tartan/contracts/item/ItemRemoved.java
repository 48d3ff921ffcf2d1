package dev.tartan.contracts.item;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * An Item was removed at Plaid (or Plaid already had no such Item). Subscribers delete what they hold for it.
 *
 * @param reason          Tartan's reason (see {@link dev.tartan.contracts.churn.RemovalReason})
 * @param plaidReasonCode the {@code reason_code} sent to {@code /item/remove}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemRemoved(
        String itemId,
        String clientUserId,
        String reason,
        String plaidReasonCode,
        Instant removedAt) {
}
