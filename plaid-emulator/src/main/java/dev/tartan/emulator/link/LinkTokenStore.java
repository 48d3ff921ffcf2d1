package dev.tartan.emulator.link;

import dev.tartan.emulator.api.PlaidErrors;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Link tokens by value. */
@ApplicationScoped
public class LinkTokenStore {
    private final Map<String, LinkToken> tokens = new ConcurrentHashMap<>();

    public void add(LinkToken token) {
        tokens.put(token.token(), token);
    }

    /** The token, or INVALID_LINK_TOKEN when unknown. */
    public LinkToken get(String token) {
        LinkToken found = token == null ? null : tokens.get(token);
        if (found == null) {
            throw PlaidErrors.invalidLinkToken("provided link token is in an invalid format or does not exist");
        }
        return found;
    }

    /** The token for a Link session, which also must not have expired. */
    public LinkToken usable(String token, Instant now) {
        LinkToken found = get(token);
        if (now.isAfter(found.expiration())) {
            throw PlaidErrors.invalidLinkToken("provided link token has expired");
        }
        return found;
    }

    public void clear() {
        tokens.clear();
    }
}
