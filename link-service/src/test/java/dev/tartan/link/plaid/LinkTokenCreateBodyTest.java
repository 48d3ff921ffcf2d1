package dev.tartan.link.plaid;

import com.google.gson.Gson;
import com.plaid.client.JSON;
import com.plaid.client.model.CountryCode;
import com.plaid.client.model.LinkTokenCreateRequest;
import com.plaid.client.model.Products;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.link.token.AccountFilter;
import dev.tartan.link.token.AuthSettings;
import dev.tartan.link.token.ItemContext;
import dev.tartan.link.token.LinkFlow;
import dev.tartan.link.token.LinkTokenRequest;
import dev.tartan.link.token.LinkTokenRequestValidator;
import dev.tartan.link.token.LinkTokenSpec;
import dev.tartan.link.token.TokenPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exact /link/token/create body, and that plaid-java's model takes it without losing anything. */
class LinkTokenCreateBodyTest {

    static final TokenPolicy POLICY = new TokenPolicy("Tartan", "https://hooks.tartan.test/plaid", List.of("US"), "en",
            Set.of("https://app.tartan.test/oauth"), Set.of(), true);
    static final Gson GSON = new JSON().getGson();
    final LinkTokenRequestValidator validator = new LinkTokenRequestValidator(POLICY);

    static LinkTokenRequest request(LinkFlow flow, List<String> products, List<String> optional, Map<String, AccountFilter> filters,
                                    String itemId, String accountId, AuthSettings auth) {
        return new LinkTokenRequest(flow, "user-1", products, null, optional, null, null, null, filters, null,
                flow == LinkFlow.NEW_ITEM ? "https://app.tartan.test/oauth" : null, null, itemId, null, accountId, null, auth);
    }

    static LinkTokenCreateRequest toPlaid(LinkTokenSpec spec) {
        return GSON.fromJson(GSON.toJsonTree(LinkTokenCreateBody.of(spec)), LinkTokenCreateRequest.class);
    }

    @Test
    void newItem() {
        LinkTokenSpec spec = validator.validate(request(LinkFlow.NEW_ITEM, List.of("transactions"), List.of("identity"),
                Map.of("depository", new AccountFilter(List.of("checking"))), null, null, null), null);
        Map<String, Object> body = LinkTokenCreateBody.of(spec);
        assertEquals("https://hooks.tartan.test/plaid", body.get("webhook"));
        assertEquals(Map.of("client_user_id", "user-1"), body.get("user"));
        assertFalse(body.containsKey("update"));
        assertFalse(body.containsKey("access_token"));
        LinkTokenCreateRequest plaid = toPlaid(spec);
        assertEquals(List.of(Products.TRANSACTIONS), plaid.getProducts());
        assertEquals(List.of(Products.IDENTITY), plaid.getOptionalProducts());
        assertEquals(List.of(CountryCode.US), plaid.getCountryCodes());
        assertEquals("https://app.tartan.test/oauth", plaid.getRedirectUri());
        assertEquals("checking", plaid.getAccountFilters().getDepository().getAccountSubtypes().get(0).getValue());
        assertNull(plaid.getAccessToken());
    }

    @Test
    void authFlags() {
        LinkTokenSpec spec = validator.validate(request(LinkFlow.AUTH, null, null, null, null, null,
                new AuthSettings(true, null, null, null, null, null, null, null, true)), null);
        LinkTokenCreateRequest plaid = toPlaid(spec);
        assertEquals(List.of(Products.AUTH), plaid.getProducts());
        assertTrue(plaid.getAuth().getDatabaseInsightsEnabled());
        assertTrue(plaid.getAuth().getAuthTypeSelectEnabled());
        assertNull(plaid.getAuth().getSameDayMicrodepositsEnabled(), "unset flags are not sent");
    }

    @Test
    void updateAndDocumentUpload() {
        ItemContext item = new ItemContext("item-1", "user-1", false,
                List.of(new LinkedAccount("acc-1", "Checking", "0000", "depository", "checking")), UpdateMode.ACCOUNT_SELECTION, null, "r");
        LinkTokenCreateRequest update = toPlaid(validator.validate(request(LinkFlow.UPDATE, null, null, null, "item-1", null, null), item));
        assertTrue(update.getProducts() == null || update.getProducts().isEmpty());
        assertTrue(update.getUpdate().getAccountSelectionEnabled());
        LinkTokenCreateRequest doc = toPlaid(validator.validate(request(LinkFlow.IDENTITY_DOCUMENT_UPLOAD, null, null, null, "item-1",
                "acc-1", null), item));
        assertEquals(List.of(Products.IDENTITY), doc.getProducts());
        assertTrue(doc.getIdentity().getIsDocumentUpload());
        assertEquals(List.of("acc-1"), doc.getIdentity().getAccountIds());
    }
}
