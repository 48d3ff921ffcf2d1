package dev.tartan.emulator.item;

import com.plaid.client.model.ItemGetRequest;
import com.plaid.client.model.ItemGetResponse;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.ItemRemoveReasonCode;
import com.plaid.client.model.ItemRemoveRequest;
import com.plaid.client.model.ItemWebhookUpdateRequest;
import com.plaid.client.model.ItemWebhookUpdateResponse;
import com.plaid.client.model.LinkTokenCreateRequestAuth;
import com.plaid.client.model.LinkTokenCreateResponse;
import com.plaid.client.model.LinkTokenGetRequest;
import com.plaid.client.model.LinkTokenGetResponse;
import com.plaid.client.model.PlaidErrorType;
import com.plaid.client.model.Products;
import com.plaid.client.model.SandboxItemFireWebhookRequest;
import com.plaid.client.model.SandboxItemResetLoginRequest;
import com.plaid.client.model.SandboxPublicTokenCreateRequest;
import com.plaid.client.model.SandboxPublicTokenCreateRequestOptions;
import com.plaid.client.model.WebhookType;
import dev.tartan.emulator.support.EmulatorTestBase;
import dev.tartan.emulator.support.PlaidClientFixture;
import dev.tartan.emulator.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static dev.tartan.emulator.support.PlaidClientFixture.fail;
import static dev.tartan.emulator.support.PlaidClientFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Link token, Item and sandbox endpoints through plaid-java, success and error paths. */
@QuarkusTest
class ItemAndLinkApiTest extends EmulatorTestBase {

    @Test
    void linkTokenCreateThenGetReturnsTheConfiguration() {
        LinkTokenCreateResponse created = ok(plaid.linkTokenCreate(linkTokenRequest("user-1")
                .products(List.of(Products.AUTH)).webhook("https://example.com/hook")));
        assertTrue(created.getLinkToken().matches("link-sandbox-[0-9a-f-]{36}"), created.getLinkToken());
        Duration ttl = Duration.between(OffsetDateTime.now(), created.getExpiration());
        assertTrue(ttl.compareTo(Duration.ofMinutes(235)) > 0 && ttl.compareTo(Duration.ofMinutes(241)) < 0,
                "new-Item link tokens live 4 hours: " + ttl);

        LinkTokenGetResponse got = ok(plaid.linkTokenGet(new LinkTokenGetRequest().linkToken(created.getLinkToken())));
        assertEquals(List.of(Products.AUTH), got.getMetadata().getInitialProducts());
        assertEquals("https://example.com/hook", got.getMetadata().getWebhook());
        assertEquals("Tartan", got.getMetadata().getClientName());
        assertTrue(got.getLinkSessions().isEmpty());
    }

    @Test
    void linkTokenCreateRejectsWhatPlaidRejects() {
        var noUser = fail(plaid.linkTokenCreate(linkTokenRequest("u").user(null).products(List.of(Products.AUTH))));
        assertEquals(400, noUser.status());
        assertEquals("MISSING_FIELDS", noUser.error().getErrorCode());
        assertEquals(PlaidErrorType.INVALID_REQUEST, noUser.error().getErrorType());

        var noProducts = fail(plaid.linkTokenCreate(linkTokenRequest("u")));
        assertEquals("INVALID_FIELD", noProducts.error().getErrorCode());

        var insightsWithSameDay = fail(plaid.linkTokenCreate(linkTokenRequest("u").products(List.of(Products.AUTH))
                .auth(new LinkTokenCreateRequestAuth().databaseInsightsEnabled(true)
                        .sameDayMicrodepositsEnabled(true))));
        assertEquals("INVALID_CONFIGURATION", insightsWithSameDay.error().getErrorCode());

        var insightsWithMatch = fail(plaid.linkTokenCreate(linkTokenRequest("u").products(List.of(Products.AUTH))
                .auth(new LinkTokenCreateRequestAuth().databaseInsightsEnabled(true).databaseMatchEnabled(true))));
        assertEquals("INVALID_CONFIGURATION", insightsWithMatch.error().getErrorCode());

        // Database Insights alone is fine, and so are explicit false values next to it
        ok(plaid.linkTokenCreate(linkTokenRequest("u").products(List.of(Products.AUTH))
                .auth(new LinkTokenCreateRequestAuth().databaseInsightsEnabled(true)
                        .sameDayMicrodepositsEnabled(false))));

        var unknownToken = fail(plaid.linkTokenCreate(linkTokenRequest("u").accessToken("access-sandbox-nope")));
        assertEquals("INVALID_ACCESS_TOKEN", unknownToken.error().getErrorCode());

        String accessToken = newItem(null, Products.AUTH).getAccessToken();
        var updateWithProducts = fail(plaid.linkTokenCreate(linkTokenRequest("u").accessToken(accessToken)
                .products(List.of(Products.TRANSACTIONS))));
        assertEquals("INVALID_FIELD", updateWithProducts.error().getErrorCode());

        LinkTokenCreateResponse update = ok(plaid.linkTokenCreate(linkTokenRequest("u").accessToken(accessToken)));
        Duration ttl = Duration.between(OffsetDateTime.now(), update.getExpiration());
        assertTrue(ttl.compareTo(Duration.ofMinutes(31)) < 0, "update-mode link tokens live 30 minutes: " + ttl);

        var unknownLinkToken = fail(plaid.linkTokenGet(new LinkTokenGetRequest().linkToken("link-sandbox-x")));
        assertEquals("INVALID_LINK_TOKEN", unknownLinkToken.error().getErrorCode());
    }

    @Test
    void badCredentialsAreRefused() {
        PlaidClientFixture wrong = new PlaidClientFixture(baseUrl.toString(), "tartan-dev-client", "wrong");
        var failure = fail(wrong.api().linkTokenCreate(linkTokenRequest("u").products(List.of(Products.AUTH))));
        assertEquals(400, failure.status());
        assertEquals("INVALID_API_KEYS", failure.error().getErrorCode());
        assertEquals(PlaidErrorType.INVALID_INPUT, failure.error().getErrorType());
        assertTrue(wrong.violations().isEmpty(), wrong.violations().toString());

        // credentials in the body work too (Plaid accepts both)
        RestAssured.given().contentType("application/json")
                .body(Map.of("client_id", "tartan-dev-client", "secret", "tartan-dev-secret", "key_id", "nope"))
                .post("/webhook_verification_key/get").then().statusCode(400)
                .body("error_code", org.hamcrest.Matchers.equalTo("INVALID_WEBHOOK_VERIFICATION_KEY_ID"))
                .body("request_id", org.hamcrest.Matchers.notNullValue());
        RestAssured.given().contentType("application/json").body(Map.of("key_id", "nope"))
                .post("/webhook_verification_key/get").then().statusCode(400)
                .body("error_code", org.hamcrest.Matchers.equalTo("MISSING_FIELDS"));
    }

    @Test
    void sandboxItemLifecycle() {
        ItemPublicTokenExchangeResponse exchanged = newItem(null, Products.AUTH, Products.TRANSACTIONS);
        assertTrue(exchanged.getAccessToken().matches("access-sandbox-[0-9a-f-]{36}"));
        assertTrue(exchanged.getItemId().matches("[A-Za-z0-9]{37}"), exchanged.getItemId());

        ItemGetResponse got = ok(plaid.itemGet(new ItemGetRequest().accessToken(exchanged.getAccessToken())));
        assertEquals(exchanged.getItemId(), got.getItem().getItemId());
        assertEquals("ins_109508", got.getItem().getInstitutionId());
        assertEquals("First Platypus Bank", got.getItem().getInstitutionName());
        assertNull(got.getItem().getError());
        assertEquals(List.of(Products.AUTH, Products.TRANSACTIONS), got.getItem().getBilledProducts());
        assertFalse(got.getItem().getAvailableProducts().contains(Products.AUTH));

        ok(plaid.itemRemove(new ItemRemoveRequest().accessToken(exchanged.getAccessToken())
                .reasonCode(ItemRemoveReasonCode.OTHER)));
        var afterRemove = fail(plaid.itemGet(new ItemGetRequest().accessToken(exchanged.getAccessToken())));
        assertEquals("ITEM_NOT_FOUND", afterRemove.error().getErrorCode());
        assertEquals(PlaidErrorType.ITEM_ERROR, afterRemove.error().getErrorType());
        RestAssured.get("/emulator/items/" + exchanged.getItemId()).then().statusCode(200)
                .body("removed", org.hamcrest.Matchers.equalTo(true))
                .body("status", org.hamcrest.Matchers.equalTo("REMOVED"));

        var unknown = fail(plaid.itemGet(new ItemGetRequest().accessToken("access-sandbox-unknown")));
        assertEquals("INVALID_ACCESS_TOKEN", unknown.error().getErrorCode());
        var missing = fail(plaid.itemGet(new ItemGetRequest()));
        assertEquals("MISSING_FIELDS", missing.error().getErrorCode());
    }

    @Test
    void publicTokensAreSingleUse() {
        String publicToken = ok(plaid.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest()
                .institutionId("ins_109508").initialProducts(List.of(Products.AUTH)))).getPublicToken();
        assertTrue(publicToken.matches("public-sandbox-[0-9a-f-]{36}"));
        ok(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest().publicToken(publicToken)));
        var again = fail(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest().publicToken(publicToken)));
        assertEquals("INVALID_PUBLIC_TOKEN", again.error().getErrorCode());
    }

    @Test
    void sandboxLoginErrorsFollowTheHandbook() {
        var locked = fail(plaid.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest()
                .institutionId("ins_109508").initialProducts(List.of(Products.AUTH))
                .options(new SandboxPublicTokenCreateRequestOptions().overrideUsername("user_good")
                        .overridePassword("error_ITEM_LOCKED"))));
        assertEquals(400, locked.status());
        assertEquals("ITEM_LOCKED", locked.error().getErrorCode());
        assertEquals(PlaidErrorType.ITEM_ERROR, locked.error().getErrorType());

        var down = fail(plaid.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest()
                .institutionId("ins_109508").initialProducts(List.of(Products.AUTH))
                .options(new SandboxPublicTokenCreateRequestOptions().overridePassword("error_INSTITUTION_DOWN"))));
        assertEquals(PlaidErrorType.INSTITUTION_ERROR, down.error().getErrorType());

        var wrongPassword = fail(plaid.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest()
                .institutionId("ins_109508").initialProducts(List.of(Products.AUTH))
                .options(new SandboxPublicTokenCreateRequestOptions().overridePassword("nope"))));
        assertEquals("INVALID_CREDENTIALS", wrongPassword.error().getErrorCode());

        var badInstitution = fail(plaid.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest()
                .institutionId("ins_nope").initialProducts(List.of(Products.AUTH))));
        assertEquals("INVALID_INSTITUTION", badInstitution.error().getErrorCode());
    }

    @Test
    void resetLoginBreaksTheItemAndUpdateModeRepairsIt() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH);
            assertTrue(ok(plaid.sandboxItemResetLogin(new SandboxItemResetLoginRequest()
                    .accessToken(item.getAccessToken()))).getResetLogin());

            ItemGetResponse broken = ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));
            assertEquals("ITEM_LOGIN_REQUIRED", broken.getItem().getError().getErrorCode());
            WebhookReceiver.Received webhook = receiver.await("ITEM", "ERROR");
            assertTrue(webhook.text().contains("\"error_code\": \"ITEM_LOGIN_REQUIRED\""));
            assertTrue(webhook.text().contains("\"item_id\": \"" + item.getItemId() + "\""));
            verify(webhook);
            assertEquals("ERROR", ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())))
                    .getStatus().getLastWebhook().getCodeSent());

            String updateToken = ok(plaid.linkTokenCreate(linkTokenRequest("u")
                    .accessToken(item.getAccessToken()))).getLinkToken();
            JsonPath session = linkSession(Map.of("link_token", updateToken));
            assertEquals("SUCCESS", session.getString("status"));
            assertNull(session.getString("public_token"), "update mode issues no new public token");

            ItemGetResponse repaired = ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));
            assertNull(repaired.getItem().getError());
        }
    }

    @Test
    void webhookUpdateAcknowledgesToTheNewUrl() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
            ItemWebhookUpdateResponse updated = ok(plaid.itemWebhookUpdate(new ItemWebhookUpdateRequest()
                    .accessToken(item.getAccessToken()).webhook(receiver.url())));
            assertEquals(receiver.url(), updated.getItem().getWebhook());
            WebhookReceiver.Received ack = receiver.await("ITEM", "WEBHOOK_UPDATE_ACKNOWLEDGED");
            assertTrue(ack.text().contains("\"new_webhook_url\": \"" + receiver.url() + "\""));
            verify(ack);

            var badUrl = fail(plaid.itemWebhookUpdate(new ItemWebhookUpdateRequest()
                    .accessToken(item.getAccessToken()).webhook("not a url")));
            assertEquals("INVALID_FIELD", badUrl.error().getErrorCode());
        }
    }

    @Test
    void fireWebhookSendsTheRequestedCode() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.TRANSACTIONS);
            assertTrue(ok(plaid.sandboxItemFireWebhook(new SandboxItemFireWebhookRequest()
                    .accessToken(item.getAccessToken())
                    .webhookCode(SandboxItemFireWebhookRequest.WebhookCodeEnum.DEFAULT_UPDATE))).getWebhookFired());
            WebhookReceiver.Received update = receiver.await("TRANSACTIONS", "DEFAULT_UPDATE");
            assertTrue(update.text().contains("\"new_transactions\": "));
            verify(update);

            ok(plaid.sandboxItemFireWebhook(new SandboxItemFireWebhookRequest().accessToken(item.getAccessToken())
                    .webhookType(WebhookType.ITEM)
                    .webhookCode(SandboxItemFireWebhookRequest.WebhookCodeEnum.NEW_ACCOUNTS_AVAILABLE)));
            receiver.await("ITEM", "NEW_ACCOUNTS_AVAILABLE");

            ItemPublicTokenExchangeResponse authOnly = newItem(receiver.url(), Products.AUTH);
            var notEnabled = fail(plaid.sandboxItemFireWebhook(new SandboxItemFireWebhookRequest()
                    .accessToken(authOnly.getAccessToken())
                    .webhookCode(SandboxItemFireWebhookRequest.WebhookCodeEnum.SYNC_UPDATES_AVAILABLE)));
            assertEquals("SANDBOX_PRODUCT_NOT_ENABLED", notEnabled.error().getErrorCode());

            ItemPublicTokenExchangeResponse noHook = newItem(null, Products.TRANSACTIONS);
            var noWebhook = fail(plaid.sandboxItemFireWebhook(new SandboxItemFireWebhookRequest()
                    .accessToken(noHook.getAccessToken())
                    .webhookCode(SandboxItemFireWebhookRequest.WebhookCodeEnum.DEFAULT_UPDATE)));
            assertEquals("SANDBOX_WEBHOOK_INVALID", noWebhook.error().getErrorCode());
        }
    }

    @Test
    void linkSessionSuccessFiresLinkWebhooksAndIsExchangeable() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String linkToken = ok(plaid.linkTokenCreate(linkTokenRequest("user-7").products(List.of(Products.AUTH))
                    .webhook(receiver.url()))).getLinkToken();
            JsonPath session = linkSession(Map.of("link_token", linkToken, "institution_id", "ins_109511",
                    "accounts", List.of("0000", "1111"), "username", "user_good", "password", "pass_good"));
            assertEquals("SUCCESS", session.getString("status"));
            assertEquals("ins_109511", session.getString("institution.institution_id"));
            assertEquals("Tartan Bank", session.getString("institution.name"));
            assertEquals(List.of("0000", "1111"), session.getList("accounts.mask"));
            String publicToken = session.getString("public_token");
            String sessionId = session.getString("link_session_id");

            WebhookReceiver.Received events = receiver.await("LINK", "EVENTS");
            assertTrue(events.text().contains("\"event_name\": \"HANDOFF\""));
            verify(events);
            WebhookReceiver.Received added = receiver.await("LINK", "ITEM_ADD_RESULT");
            assertTrue(added.text().contains("\"public_token\": \"" + publicToken + "\""));
            WebhookReceiver.Received finished = receiver.await("LINK", "SESSION_FINISHED");
            assertTrue(finished.text().contains("\"status\": \"SUCCESS\""));
            assertTrue(finished.text().contains("\"link_session_id\": \"" + sessionId + "\""));

            ItemPublicTokenExchangeResponse exchanged = ok(plaid.itemPublicTokenExchange(
                    new ItemPublicTokenExchangeRequest().publicToken(publicToken)));
            ItemGetResponse item = ok(plaid.itemGet(new ItemGetRequest().accessToken(exchanged.getAccessToken())));
            assertEquals(receiver.url(), item.getItem().getWebhook());
            assertEquals("ins_109511", item.getItem().getInstitutionId());

            LinkTokenGetResponse got = ok(plaid.linkTokenGet(new LinkTokenGetRequest().linkToken(linkToken)));
            assertEquals(1, got.getLinkSessions().size());
            assertEquals(sessionId, got.getLinkSessions().get(0).getLinkSessionId());
            assertEquals(publicToken, got.getLinkSessions().get(0).getResults().getItemAddResults().get(0)
                    .getPublicToken());
            assertNotNull(got.getLinkSessions().get(0).getOnSuccess());
        }
    }

    @Test
    void linkSessionExitReportsTheError() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String linkToken = ok(plaid.linkTokenCreate(linkTokenRequest("user-8").products(List.of(Products.AUTH))
                    .webhook(receiver.url()))).getLinkToken();
            JsonPath exit = linkSession(Map.of("link_token", linkToken, "outcome", "exit",
                    "error_code", "INSTITUTION_NOT_RESPONDING"));
            assertEquals("EXITED", exit.getString("status"));
            assertNull(exit.getString("public_token"));
            assertEquals("INSTITUTION_NOT_RESPONDING", exit.getString("error.error_code"));
            assertEquals("INSTITUTION_ERROR", exit.getString("error.error_type"));
            WebhookReceiver.Received finished = receiver.await("LINK", "SESSION_FINISHED");
            assertTrue(finished.text().contains("\"status\": \"EXITED\""));

            JsonPath locked = linkSession(Map.of("link_token", linkToken, "password", "error_ITEM_LOCKED"));
            assertEquals("EXITED", locked.getString("status"));
            assertEquals("ITEM_LOCKED", locked.getString("error.error_code"));

            LinkTokenGetResponse got = ok(plaid.linkTokenGet(new LinkTokenGetRequest().linkToken(linkToken)));
            assertEquals(2, got.getLinkSessions().size());
            assertEquals("INSTITUTION_NOT_RESPONDING", got.getLinkSessions().get(0).getExit().getError()
                    .getErrorCode());
        }
    }
}
