package dev.tartan.emulator.item;

import dev.tartan.emulator.api.PlaidErrors;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Items by id and by access token, and the one-time public tokens that lead to them. */
@ApplicationScoped
public class ItemStore {
    private final Map<String, Item> byId = new ConcurrentHashMap<>();
    private final Map<String, Item> byAccessToken = new ConcurrentHashMap<>();
    private final Map<String, PublicToken> publicTokens = new ConcurrentHashMap<>();

    /** A public token: exchangeable once, until {@code expiresAt}. */
    public record PublicToken(String token, String itemId, Instant expiresAt) {
    }

    public void add(Item item) {
        byId.put(item.itemId(), item);
        byAccessToken.put(item.accessToken(), item);
    }

    public void addPublicToken(PublicToken token) {
        publicTokens.put(token.token(), token);
    }

    /** Consumes a public token; Plaid's public tokens are single-use and expire after 30 minutes. */
    public Item exchange(String publicToken, Instant now) {
        PublicToken token = publicTokens.remove(publicToken);
        if (token == null) {
            throw PlaidErrors.invalidPublicToken(publicToken.startsWith("public-")
                    ? "provided public token is expired or has already been exchanged"
                    : "provided public token is in an invalid format. expected format: public-<environment>-<identifier>");
        }
        if (now.isAfter(token.expiresAt())) {
            throw PlaidErrors.invalidPublicToken("provided public token is expired");
        }
        Item item = byId.get(token.itemId());
        if (item == null || item.removed()) {
            throw PlaidErrors.itemNotFound();
        }
        item.markExchanged();
        return item;
    }

    /**
     * The Item an access token belongs to: INVALID_ACCESS_TOKEN for a token never issued, ITEM_NOT_FOUND once the
     * Item has been removed.
     */
    public Item byAccessToken(String accessToken) {
        Item item = accessToken == null ? null : byAccessToken.get(accessToken);
        if (item == null) {
            throw PlaidErrors.invalidAccessToken();
        }
        if (item.removed()) {
            throw PlaidErrors.itemNotFound();
        }
        return item;
    }

    public Optional<Item> byId(String itemId) {
        return Optional.ofNullable(byId.get(itemId));
    }

    public Collection<Item> all() {
        return byId.values();
    }

    public void clear() {
        byId.clear();
        byAccessToken.clear();
        publicTokens.clear();
    }
}
