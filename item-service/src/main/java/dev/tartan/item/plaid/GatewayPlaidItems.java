package dev.tartan.item.plaid;

import com.plaid.client.model.ItemGetRequest;
import com.plaid.client.model.ItemRemoveReasonCode;
import com.plaid.client.model.ItemRemoveRequest;
import com.plaid.client.model.ItemWithConsentFields;
import com.plaid.client.model.PlaidError;
import com.plaid.client.model.Products;
import dev.tartan.contracts.SealedToken;
import dev.tartan.item.state.ItemErrorState;
import dev.tartan.plaid.gateway.PlaidApiException;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.PlaidGateway;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/** {@link PlaidItems} through the shared {@link PlaidGateway}. */
@ApplicationScoped
public class GatewayPlaidItems implements PlaidItems {

    private static final Logger LOG = Logger.getLogger(GatewayPlaidItems.class);
    static final String ITEM_NOT_FOUND = "ITEM_NOT_FOUND";

    private final PlaidGateway gateway;

    public GatewayPlaidItems(PlaidGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public Uni<ItemSnapshot> getItem(String itemId, SealedToken token) {
        return gateway.callWithAccessToken(PlaidEndpoint.ITEM_GET, itemId, token,
                        (api, accessToken) -> api.itemGet(new ItemGetRequest().accessToken(accessToken)))
                .map(response -> {
                    ItemWithConsentFields item = response.getItem();
                    PlaidError e = item.getError();
                    ItemErrorState error = e == null || e.getErrorCode() == null ? null
                            : new ItemErrorState(e.getErrorType() == null ? null : e.getErrorType().getValue(),
                            e.getErrorCode(), e.getErrorCodeReason());
                    LOG.infof("item_id=%s request_id=%s: /item/get error=%s", itemId, response.getRequestId(),
                            error == null ? "none" : error.code());
                    return new ItemSnapshot(error,
                            item.getConsentExpirationTime() == null ? null : item.getConsentExpirationTime().toInstant(),
                            names(item.getBilledProducts()), names(item.getProducts()), response.getRequestId());
                })
                .onFailure(PlaidApiException.class).transform(f -> notFound(itemId, (PlaidApiException) f));
    }

    @Override
    public Uni<String> removeItem(String itemId, SealedToken token, String reasonCode) {
        return gateway.callWithAccessToken(PlaidEndpoint.ITEM_REMOVE, itemId, token,
                        (api, accessToken) -> api.itemRemove(new ItemRemoveRequest().accessToken(accessToken)
                                .reasonCode(reasonCode == null ? null : ItemRemoveReasonCode.fromValue(reasonCode))))
                .map(response -> {
                    LOG.infof("item_id=%s request_id=%s: removed at Plaid (reason_code=%s)", itemId, response.getRequestId(), reasonCode);
                    return response.getRequestId();
                })
                .onFailure(PlaidApiException.class).transform(f -> notFound(itemId, (PlaidApiException) f));
    }

    private static Throwable notFound(String itemId, PlaidApiException e) {
        if (ITEM_NOT_FOUND.equals(e.errorCode())) {
            LOG.infof("item_id=%s request_id=%s: ITEM_NOT_FOUND", itemId, e.requestId());
            return new ItemNotFoundAtPlaid(itemId, e.requestId(), e);
        }
        return e;
    }

    private static List<String> names(List<Products> products) {
        return products == null ? List.of() : products.stream().map(Products::getValue).toList();
    }

    /** The gateway still has its own SealedToken type (same JSON); this is the one place that converts. */
}
