package dev.tartan.emulator.identity;

import com.plaid.client.model.AccountBase;
import com.plaid.client.model.AccountIdentity;
import com.plaid.client.model.AccountIdentityMatchScore;
import com.plaid.client.model.AuthGetRequest;
import com.plaid.client.model.AuthGetResponse;
import com.plaid.client.model.IdentityGetRequest;
import com.plaid.client.model.IdentityMatchRequest;
import com.plaid.client.model.IdentityMatchRequestOptions;
import com.plaid.client.model.IdentityMatchUser;
import com.plaid.client.model.ItemGetRequest;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.LinkTokenCreateRequestAuth;
import com.plaid.client.model.Products;
import dev.tartan.emulator.support.EmulatorTestBase;
import dev.tartan.emulator.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tartan.emulator.support.PlaidClientFixture.fail;
import static dev.tartan.emulator.support.PlaidClientFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State the identity paths depend on: owners changed at the bank (control API) then IDENTITY DEFAULT_UPDATE, Identity
 * withheld in Link (ACCESS_NOT_GRANTED + PRODUCT_PERMISSIONS_REQUIRED), automated micro-deposits settled by AUTH
 * webhooks, AUTH DEFAULT_UPDATE changing account numbers, and the per-Item call log.
 */
@QuarkusTest
class IdentityStateControlTest extends EmulatorTestBase {

    static final Map<String, Object> RAY = Map.of("names", List.of("Ray Charles"),
            "phone_numbers", List.of(Map.of("data", "+1 555 867 5309", "primary", true, "type", "mobile")),
            "emails", List.of(), "addresses", List.of());

    private static JsonPath control(String path, Object body, int status) {
        return RestAssured.given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(status)
                .extract().jsonPath();
    }

    private static JsonPath fire(String itemId, String type, String code, Map<String, Object> fields) {
        return control("/emulator/webhooks/fire", Map.of("item_id", itemId, "webhook_type", type, "webhook_code", code,
                "fields", fields), 200);
    }

    private AccountIdentityMatchScore matchAlberta(String accessToken, String accountId) {
        return ok(plaid.identityMatch(new IdentityMatchRequest().accessToken(accessToken)
                .user(new IdentityMatchUser().legalName("Alberta Bobbeth Charleson"))
                .options(new IdentityMatchRequestOptions().accountIds(List.of(accountId))))).getAccounts().get(0);
    }

    @Test
    void ownersChangedForOneAccountAreWhatIdentityGetAndMatchReturn() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH, Products.IDENTITY);
            List<AccountIdentity> before = ok(plaid.identityGet(new IdentityGetRequest()
                    .accessToken(item.getAccessToken()))).getAccounts();
            String kept = before.get(0).getAccountId();
            String changed = before.get(1).getAccountId();
            assertEquals(100, matchAlberta(item.getAccessToken(), changed).getLegalName().getScore());

            JsonPath set = control("/emulator/items/" + item.getItemId() + "/owners",
                    Map.of("owners", List.of(RAY), "account_ids", List.of(changed)), 200);
            assertEquals(List.of("Ray Charles"), set.getList("accounts.find { it.account_id == '" + changed
                    + "' }.owners[0].names"));

            List<AccountIdentity> after = ok(plaid.identityGet(new IdentityGetRequest()
                    .accessToken(item.getAccessToken()))).getAccounts();
            for (AccountIdentity a : after) {
                List<String> names = a.getOwners().get(0).getNames();
                assertEquals(a.getAccountId().equals(changed) ? List.of("Ray Charles")
                        : List.of("Alberta Bobbeth Charleson"), names, a.getAccountId());
                assertEquals(1, a.getOwners().size());
            }
            assertEquals("+1 555 867 5309", after.stream().filter(a -> a.getAccountId().equals(changed)).findFirst()
                    .orElseThrow().getOwners().get(0).getPhoneNumbers().get(0).getData());
            assertTrue(matchAlberta(item.getAccessToken(), changed).getLegalName().getScore() < 50,
                    "the new owner does not match the old profile");
            assertEquals(100, matchAlberta(item.getAccessToken(), kept).getLegalName().getScore());

            // the webhook that announces it carries the changed account only
            fire(item.getItemId(), "IDENTITY", "DEFAULT_UPDATE",
                    Map.of("account_ids_with_updated_identity", Map.of(changed, List.of("NAMES", "PHONES"))));
            WebhookReceiver.Received hook = receiver.await("IDENTITY", "DEFAULT_UPDATE");
            assertTrue(hook.text().contains(changed), hook.text());
            assertFalse(hook.text().contains(kept), hook.text());
            verify(hook);

            // the call log shows which accounts each match asked for
            JsonPath calls = RestAssured.get("/emulator/items/" + item.getItemId() + "/calls?endpoint=/identity/match")
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(3, calls.getList("calls").size());
            assertEquals(List.of(changed), calls.getList("calls[1].account_ids"));
            assertEquals(List.of(kept), calls.getList("calls[2].account_ids"));

            // without account_ids every account gets the owners
            control("/emulator/items/" + item.getItemId() + "/owners", Map.of("owners", List.of(RAY)), 200);
            assertTrue(ok(plaid.identityGet(new IdentityGetRequest().accessToken(item.getAccessToken()))).getAccounts()
                    .stream().allMatch(a -> a.getOwners().get(0).getNames().equals(List.of("Ray Charles"))));
        }
    }

    @Test
    void ownersEndpointRejectsBadInput() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.IDENTITY);
        String path = "/emulator/items/" + item.getItemId() + "/owners";
        control(path, Map.of("owners", List.of()), 400);
        control(path, Map.of("owners", List.of(Map.of("names", List.of()))), 400);
        control(path, Map.of("owners", List.of(RAY), "account_ids", List.of("no-such-account")), 400);
        control("/emulator/items/no-such-item/owners", Map.of("owners", List.of(RAY)), 404);
        RestAssured.get("/emulator/items/no-such-item/calls").then().statusCode(404);
        // nothing changed
        assertEquals(List.of("Alberta Bobbeth Charleson"), ok(plaid.identityGet(new IdentityGetRequest()
                .accessToken(item.getAccessToken()))).getAccounts().get(0).getOwners().get(0).getNames());
    }

    @Test
    void identityWithheldInLinkIsAccessNotGrantedUntilUpdateMode() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String token = ok(plaid.linkTokenCreate(linkTokenRequest("consent").products(List.of(Products.AUTH))
                    .optionalProducts(List.of(Products.IDENTITY)).webhook(receiver.url()))).getLinkToken();
            // a product the token does not have cannot be withheld
            control("/emulator/link/sessions", Map.of("link_token", token, "username", "user_good", "password",
                    "pass_good", "withheld_products", List.of("transactions")), 400);
            String publicToken = linkSession(Map.of("link_token", token, "username", "user_good", "password",
                    "pass_good", "withheld_products", List.of("identity"))).getString("public_token");
            ItemPublicTokenExchangeResponse item = ok(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest()
                    .publicToken(publicToken)));
            assertFalse(ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken()))).getItem()
                    .getConsentedProducts().contains(Products.IDENTITY));

            var get = fail(plaid.identityGet(new IdentityGetRequest().accessToken(item.getAccessToken())));
            assertEquals(400, get.status());
            assertEquals("ITEM_ERROR", get.error().getErrorType().getValue());
            assertEquals("ACCESS_NOT_GRANTED", get.error().getErrorCode());
            var match = fail(plaid.identityMatch(new IdentityMatchRequest().accessToken(item.getAccessToken())
                    .user(new IdentityMatchUser().legalName("Alberta Bobbeth Charleson"))));
            assertEquals("ACCESS_NOT_GRANTED", match.error().getErrorCode());
            // Auth was shared: unaffected
            ok(plaid.authGet(new AuthGetRequest().accessToken(item.getAccessToken())));

            // Plaid announces the missing grant once, however often it is hit
            verify(receiver.await("IDENTITY", "PRODUCT_PERMISSIONS_REQUIRED"));
            JsonPath deliveries = RestAssured.get("/emulator/webhooks/deliveries?item_id=" + item.getItemId()
                    + "&webhook_code=PRODUCT_PERMISSIONS_REQUIRED").then().statusCode(200).extract().jsonPath();
            assertEquals(1, deliveries.getList("deliveries").size());
            JsonPath calls = RestAssured.get("/emulator/items/" + item.getItemId() + "/calls").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(List.of("identity"), calls.getList("withheld_products"));
            assertEquals(List.of("ACCESS_NOT_GRANTED", "ACCESS_NOT_GRANTED"),
                    calls.getList("calls.findAll { it.endpoint.startsWith('/identity') }.error_code"));

            // update mode collecting consent for identity grants it
            String update = ok(plaid.linkTokenCreate(linkTokenRequest("consent").accessToken(item.getAccessToken())
                    .additionalConsentedProducts(List.of(Products.IDENTITY)))).getLinkToken();
            linkSession(Map.of("link_token", update, "username", "user_good", "password", "pass_good"));
            assertEquals(List.of("Alberta Bobbeth Charleson"), ok(plaid.identityGet(new IdentityGetRequest()
                    .accessToken(item.getAccessToken()))).getAccounts().get(0).getOwners().get(0).getNames());
        }
    }

    private ItemPublicTokenExchangeResponse microDepositItem(String webhook, String accountNumber) {
        String token = ok(plaid.linkTokenCreate(linkTokenRequest("md").products(List.of(Products.AUTH))
                .optionalProducts(List.of(Products.IDENTITY)).webhook(webhook)
                .auth(new LinkTokenCreateRequestAuth().automatedMicrodepositsEnabled(true)))).getLinkToken();
        JsonPath session = linkSession(Map.of("link_token", token, "account_number", accountNumber,
                "routing_number", "011401533"));
        assertEquals("pending_automatic_verification", session.getString("accounts[0].verification_status"));
        return ok(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest()
                .publicToken(session.getString("public_token"))));
    }

    @Test
    void automatedMicroDepositsAreSettledByAuthWebhooks() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse md = microDepositItem(receiver.url(), "987654321");
            var notReady = fail(plaid.authGet(new AuthGetRequest().accessToken(md.getAccessToken())));
            assertEquals("PRODUCT_NOT_READY", notReady.error().getErrorCode());
            // Plaid has no identity data for a manually entered account
            assertEquals("PRODUCTS_NOT_SUPPORTED", fail(plaid.identityMatch(new IdentityMatchRequest()
                    .accessToken(md.getAccessToken()).user(new IdentityMatchUser().legalName("Alberta Charleson"))))
                    .error().getErrorCode());
            assertEquals("PRODUCTS_NOT_SUPPORTED", fail(plaid.identityGet(new IdentityGetRequest()
                    .accessToken(md.getAccessToken()))).error().getErrorCode());

            String accountId = fire(md.getItemId(), "AUTH", "AUTOMATICALLY_VERIFIED", Map.of())
                    .getString("body").replaceAll("(?s).*\"account_id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            verify(receiver.await("AUTH", "AUTOMATICALLY_VERIFIED"));
            AuthGetResponse verified = ok(plaid.authGet(new AuthGetRequest().accessToken(md.getAccessToken())));
            assertEquals(accountId, verified.getAccounts().get(0).getAccountId());
            assertEquals(AccountBase.VerificationStatusEnum.AUTOMATICALLY_VERIFIED,
                    verified.getAccounts().get(0).getVerificationStatus());
            assertEquals("987654321", verified.getNumbers().getAch().get(0).getAccount());

            // the bank changed the account number: /auth/get has the new one, the status stays
            fire(md.getItemId(), "AUTH", "DEFAULT_UPDATE", Map.of("account_ids_with_updated_auth",
                    Map.of(accountId, List.of("ACCOUNT_NUMBER"))));
            AuthGetResponse renumbered = ok(plaid.authGet(new AuthGetRequest().accessToken(md.getAccessToken())));
            assertEquals("987654322", renumbered.getNumbers().getAch().get(0).getAccount());
            assertEquals("4322", renumbered.getAccounts().get(0).getMask());
            assertEquals(AccountBase.VerificationStatusEnum.AUTOMATICALLY_VERIFIED,
                    renumbered.getAccounts().get(0).getVerificationStatus());
            // a DEFAULT_UPDATE with nothing updated changes nothing
            fire(md.getItemId(), "AUTH", "DEFAULT_UPDATE", Map.of("account_ids_with_updated_auth", Map.of()));
            assertEquals("987654322", ok(plaid.authGet(new AuthGetRequest().accessToken(md.getAccessToken())))
                    .getNumbers().getAch().get(0).getAccount());
            // a late VERIFICATION_EXPIRED does not undo a verification
            fire(md.getItemId(), "AUTH", "VERIFICATION_EXPIRED", Map.of());
            assertEquals(AccountBase.VerificationStatusEnum.AUTOMATICALLY_VERIFIED, ok(plaid.authGet(
                    new AuthGetRequest().accessToken(md.getAccessToken()))).getAccounts().get(0).getVerificationStatus());

            ItemPublicTokenExchangeResponse expired = microDepositItem(receiver.url(), "123456789");
            fire(expired.getItemId(), "AUTH", "VERIFICATION_EXPIRED", Map.of());
            AuthGetResponse gone = ok(plaid.authGet(new AuthGetRequest().accessToken(expired.getAccessToken())));
            assertEquals(AccountBase.VerificationStatusEnum.VERIFICATION_EXPIRED,
                    gone.getAccounts().get(0).getVerificationStatus());
            assertTrue(gone.getNumbers().getAch().isEmpty(), "no usable numbers after expiry");

            JsonPath calls = RestAssured.get("/emulator/items/" + md.getItemId() + "/calls?endpoint=/auth/get")
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(List.of("PRODUCT_NOT_READY"), calls.getList("calls.findAll { it.error_code != null }.error_code"));
            assertEquals(5, calls.getList("calls").size());
        }
    }

    @Test
    void authWebhooksLeaveCredentialAccountsUnverifiedButRenumberThem() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH);
            fire(item.getItemId(), "AUTH", "AUTOMATICALLY_VERIFIED", Map.of());
            AuthGetResponse auth = ok(plaid.authGet(new AuthGetRequest().accessToken(item.getAccessToken())));
            assertNull(auth.getAccounts().get(0).getVerificationStatus(), "not a micro-deposit account");
            String first = auth.getAccounts().get(0).getAccountId();
            String before = auth.getNumbers().getAch().get(0).getAccount();
            fire(item.getItemId(), "AUTH", "DEFAULT_UPDATE", Map.of()); // default body: first account, ACCOUNT_NUMBER
            AuthGetResponse after = ok(plaid.authGet(new AuthGetRequest().accessToken(item.getAccessToken())));
            String now = after.getNumbers().getAch().stream().filter(n -> n.getAccountId().equals(first)).findFirst()
                    .orElseThrow().getAccount();
            assertNotEquals(before, now);
            assertEquals(before.length(), now.length());
        }
    }
}
