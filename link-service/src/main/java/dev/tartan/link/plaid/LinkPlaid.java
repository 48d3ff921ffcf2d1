package dev.tartan.link.plaid;

import com.google.gson.Gson;
import com.plaid.client.JSON;
import com.plaid.client.model.LinkTokenCreateRequest;
import com.plaid.client.model.LinkTokenCreateResponse;
import com.plaid.client.model.LinkTokenGetRequest;
import com.plaid.client.model.LinkTokenGetResponse;
import dev.tartan.contracts.SealedToken;
import dev.tartan.link.token.LinkTokenSpec;
import dev.tartan.plaid.gateway.PlaidCallContext;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.PlaidGateway;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * link-service's only door to Plaid, through the shared gateway: {@code /link/token/create},
 * {@code /link/token/get} and {@code /item/public_token/exchange}. Converts between the contracts'
 * {@link SealedToken} and the gateway's own until the two are merged.
 */
@ApplicationScoped
public class LinkPlaid {

    private static final Gson GSON = new JSON().getGson();

    private final PlaidGateway gateway;

    public LinkPlaid(PlaidGateway gateway) {
        this.gateway = gateway;
    }

    /** A token Plaid issued. {@code linkToken} goes to the app; it is stored only as a hash. */
    public record IssuedLinkToken(String linkToken, Instant expiration, String requestId) {
    }

    /** A new Item: its id and the access token sealed by the gateway. */
    public record ExchangeResult(String itemId, SealedToken accessToken, String requestId) {
    }

    /**
     * @param accessToken the Item's sealed token for update flows, {@code null} for new Items
     */
    public Uni<IssuedLinkToken> createLinkToken(LinkTokenSpec spec, SealedToken accessToken) {
        LinkTokenCreateRequest request = GSON.fromJson(GSON.toJsonTree(LinkTokenCreateBody.of(spec)), LinkTokenCreateRequest.class);
        Uni<LinkTokenCreateResponse> response;
        if (spec.flow().needsExistingItem()) {
            response = gateway.callWithAccessToken(PlaidEndpoint.LINK_TOKEN_CREATE, spec.itemId(), accessToken,
                    (api, clear) -> api.linkTokenCreate(copyWithAccessToken(request, clear)));
        } else {
            response = gateway.call(PlaidEndpoint.LINK_TOKEN_CREATE, PlaidCallContext.user(spec.clientUserId()),
                    api -> api.linkTokenCreate(request));
        }
        return response.map(r -> new IssuedLinkToken(r.getLinkToken(),
                r.getExpiration() == null ? null : r.getExpiration().toInstant(), r.getRequestId()));
    }

    /** A fresh request per attempt: the clear token is set on a copy that never outlives the call. */
    private static LinkTokenCreateRequest copyWithAccessToken(LinkTokenCreateRequest template, String clearToken) {
        LinkTokenCreateRequest copy = GSON.fromJson(GSON.toJsonTree(template), LinkTokenCreateRequest.class);
        copy.setAccessToken(clearToken);
        return copy;
    }

    public Uni<ExchangeResult> exchange(String publicToken, PlaidCallContext ctx) {
        return gateway.exchangePublicToken(publicToken, ctx)
                .map(e -> new ExchangeResult(e.itemId(), e.accessToken(),
                        e.requestId()));
    }

    public Uni<LinkTokenGetResponse> getLinkToken(String linkToken, PlaidCallContext ctx) {
        return gateway.call(PlaidEndpoint.LINK_TOKEN_GET, ctx, api -> api.linkTokenGet(new LinkTokenGetRequest().linkToken(linkToken)));
    }

}
