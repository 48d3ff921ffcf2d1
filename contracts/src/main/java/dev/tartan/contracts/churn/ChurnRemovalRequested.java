package dev.tartan.contracts.churn;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * Command: this Item is to be removed at Plaid. Published by item-service when its churn policy
 * selects an Item; item-service carries the removal out (at {@code scheduledFor}, near month end
 * for recurring-billed Items unless urgent).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChurnRemovalRequested(
        String removalId,
        String itemId,
        String clientUserId,
        RemovalReason reason,
        boolean urgent,
        Instant scheduledFor,
        Instant requestedAt) {
}
