package dev.tartan.contracts.relink;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.link.UpdateMode;

import java.time.Instant;
import java.util.List;

/**
 * Command: ask the user to fix an Item in Link update mode. One per re-link episode; the episode id
 * ({@code relinkId}) ties reminders and the resolution to it.
 *
 * @param errorCode   Plaid's error code when an ERROR caused it
 * @param deadline    when the Item stops working if nothing is done (pending expiration/disconnect), if known
 * @param products    for {@link UpdateMode#PRODUCT_CONSENT}: the products to add consent for
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RelinkRequested(
        String relinkId,
        String itemId,
        String clientUserId,
        InstitutionRef institution,
        UpdateMode mode,
        RelinkReason reason,
        String errorCode,
        Instant deadline,
        List<String> products,
        Instant requestedAt) {
}
