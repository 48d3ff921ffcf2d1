package dev.tartan.contracts.item;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/** Accounts of an Item were added (update mode with account selection) or revoked by the user at the bank. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemAccountsChanged(
        String itemId,
        String clientUserId,
        List<LinkedAccount> added,
        List<String> revokedAccountIds,
        String cause,
        Instant changedAt) {
}
