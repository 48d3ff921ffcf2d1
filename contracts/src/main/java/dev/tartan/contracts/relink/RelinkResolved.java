package dev.tartan.contracts.relink;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * Command: the Item works again; tell the user the connection is back and clear prompts.
 *
 * @param resolvedBy {@code UPDATE_MODE}, {@code LOGIN_REPAIRED}, {@code RECONCILIATION} or {@code ITEM_REMOVED}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RelinkResolved(
        String relinkId,
        String itemId,
        String clientUserId,
        String resolvedBy,
        Instant resolvedAt) {
}
