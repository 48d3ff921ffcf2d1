package dev.tartan.identity.flow;

import dev.tartan.identity.match.MatchScores;
import dev.tartan.identity.plaid.PlaidIdentityClient;
import dev.tartan.identity.policy.AuthEvidence;
import dev.tartan.identity.profile.UserProfile;
import dev.tartan.plaid.gateway.PlaidApiException;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Plaid's answers per Item, for flow tests while the emulator's identity endpoints are not there yet. Each
 * method answers what the test put in its map for the Item id (or an ITEM_ERROR the test chose).
 */
class StubPlaid extends PlaidIdentityClient {

    final Map<String, Function<List<String>, MatchResult>> match = new ConcurrentHashMap<>();
    final Map<String, OwnersResult> owners = new ConcurrentHashMap<>();
    final Map<String, DocumentsResult> documents = new ConcurrentHashMap<>();
    final Map<String, AuthResult> auth = new ConcurrentHashMap<>();
    final Map<String, String> matchError = new ConcurrentHashMap<>();
    final Map<String, String> authError = new ConcurrentHashMap<>();
    final AtomicInteger matchCalls = new AtomicInteger();
    volatile UserProfile lastProfile;

    StubPlaid() {
        super(null);
    }

    static PlaidApiException itemError(PlaidEndpoint endpoint, String code) {
        return new PlaidApiException(endpoint, 400, "ITEM_ERROR", code, "stubbed " + code, null, "req-" + code, null, null);
    }

    @Override
    public Uni<MatchResult> match(ItemRef item, UserProfile profile, List<String> accountIds) {
        matchCalls.incrementAndGet();
        lastProfile = profile;
        String error = matchError.get(item.itemId());
        if (error != null) {
            return Uni.createFrom().failure(itemError(PlaidEndpoint.IDENTITY_MATCH, error));
        }
        return Uni.createFrom().item(() -> match.getOrDefault(item.itemId(), ids -> new MatchResult(Map.of(), "req-m")).apply(accountIds));
    }

    @Override
    public Uni<OwnersResult> identityGet(ItemRef item) {
        OwnersResult r = owners.get(item.itemId());
        return r == null ? Uni.createFrom().failure(itemError(PlaidEndpoint.IDENTITY_GET, "PRODUCTS_NOT_SUPPORTED")) : Uni.createFrom().item(r);
    }

    @Override
    public Uni<DocumentsResult> documents(ItemRef item) {
        DocumentsResult r = documents.get(item.itemId());
        return r == null ? Uni.createFrom().item(new DocumentsResult(Map.of(), "req-d")) : Uni.createFrom().item(r);
    }

    @Override
    public Uni<AuthResult> auth(ItemRef item) {
        String error = authError.get(item.itemId());
        if (error != null) {
            return Uni.createFrom().failure(itemError(PlaidEndpoint.AUTH_GET, error));
        }
        AuthResult r = auth.get(item.itemId());
        return Uni.createFrom().item(r == null ? new AuthResult(Map.of(), "req-a") : r);
    }

    static MatchScores scores(Integer name, Integer phone, Integer email, Integer address) {
        return new MatchScores(name == null ? null : new MatchScores.NameScore(name, true, false, false),
                phone == null ? null : new MatchScores.FieldScore(phone),
                email == null ? null : new MatchScores.FieldScore(email),
                address == null ? null : new MatchScores.AddressScore(address, true));
    }

    static AuthEvidence status(String s) {
        return new AuthEvidence(s, null);
    }
}
