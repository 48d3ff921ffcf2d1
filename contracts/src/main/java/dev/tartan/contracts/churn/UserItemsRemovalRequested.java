package dev.tartan.contracts.churn;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * Command from another service (beacon-service on a rejected user, the app on account closure):
 * remove every Item of a user. item-service's churn policy turns it into one removal per Item.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UserItemsRemovalRequested(
        String requestId,
        String clientUserId,
        RemovalReason reason,
        String requestedBy,
        Instant requestedAt) {
}
