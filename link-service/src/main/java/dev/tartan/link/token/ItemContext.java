package dev.tartan.link.token;

import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.UpdateMode;

import java.util.List;

/**
 * What link-service knows about an existing Item when a token for it is asked for.
 *
 * @param pendingMode     the update mode the open re-link asks for, or {@code null} when none is pending
 * @param pendingProducts for {@link UpdateMode#PRODUCT_CONSENT}: the products to collect consent for
 * @param pendingRelinkId the open re-link episode, or {@code null}
 */
public record ItemContext(
        String itemId,
        String clientUserId,
        boolean removed,
        List<LinkedAccount> accounts,
        UpdateMode pendingMode,
        List<String> pendingProducts,
        String pendingRelinkId) {
}
