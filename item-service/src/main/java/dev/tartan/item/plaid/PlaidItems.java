package dev.tartan.item.plaid;

import dev.tartan.contracts.SealedToken;
import dev.tartan.item.state.ItemErrorState;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.List;

/**
 * The two Plaid calls item-service makes, behind the gateway (rate limits, retries, token opening).
 * Failures: {@link ItemNotFoundAtPlaid} when Plaid no longer knows the Item; the gateway's
 * {@code PlaidApiException} / {@code PlaidUnavailableException} otherwise.
 */
public interface PlaidItems {

    /** What {@code /item/get} says about an Item. */
    record ItemSnapshot(ItemErrorState error, Instant consentExpiresAt, List<String> billedProducts,
                        List<String> products, String requestId) {
    }

    Uni<ItemSnapshot> getItem(String itemId, SealedToken token);

    /** {@code /item/remove}; returns Plaid's request id. */
    Uni<String> removeItem(String itemId, SealedToken token, String reasonCode);

    /** Plaid answered {@code ITEM_NOT_FOUND}: the Item is gone there (removed earlier, via my.plaid.com, or by support). */
    class ItemNotFoundAtPlaid extends RuntimeException {
        private final String requestId;

        public ItemNotFoundAtPlaid(String itemId, String requestId, Throwable cause) {
            super("Plaid no longer knows item " + itemId, cause);
            this.requestId = requestId;
        }

        public String requestId() {
            return requestId;
        }
    }
}
