package dev.tartan.contracts.link;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.item.LinkedAccount;

import java.time.Instant;
import java.util.List;

/**
 * The user finished an update-mode Link session for an existing Item (same access token, no exchange).
 * item-service resolves the pending re-link with it.
 *
 * @param accounts the accounts Link reported at the end of the session (after account selection, the new set)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LinkUpdateCompleted(
        String itemId,
        String clientUserId,
        String linkSessionId,
        UpdateMode mode,
        List<LinkedAccount> accounts,
        Instant completedAt) {
}
