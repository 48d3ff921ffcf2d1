package dev.tartan.contracts.item;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * An Item moved between states of item-service's state machine.
 *
 * @param cause what moved it: a webhook code ({@code ERROR}, {@code LOGIN_REPAIRED}, ...),
 *              {@code UPDATE_MODE_COMPLETED}, {@code RECONCILIATION} or {@code REMOVAL}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemStatusChanged(
        String itemId,
        String clientUserId,
        String previousStatus,
        String status,
        ItemError error,
        String cause,
        Instant changedAt) {
}
