package dev.tartan.emulator.webhook;

import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.Products;
import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import dev.tartan.emulator.support.EmulatorTestBase;
import dev.tartan.emulator.support.IndependentWebhookVerifier;
import dev.tartan.emulator.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tartan.emulator.support.PlaidClientFixture.fail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks as Plaid sends them: 2-space-indented bodies, ES256 {@code Plaid-Verification} verified by an independent
 * jose4j verifier with keys from {@code /webhook_verification_key/get}, key rotation and expiry, retries with x4
 * back-off (base 100 ms in tests) and giving up after the window (2 s in tests).
 */
@QuarkusTest
class WebhookSigningAndDeliveryTest extends EmulatorTestBase {

    private String fire(String itemId, String code) {
        return RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("webhook_type", "ITEM", "webhook_code", code, "item_id", itemId))
                .post("/emulator/webhooks/fire").then().statusCode(200).extract().path("delivery_id");
    }

    @Test
    void bodiesAreTwoSpaceIndentedAndVerifyIndependently() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH);
            fire(item.getItemId(), "PENDING_DISCONNECT");
            WebhookReceiver.Received r = receiver.await("ITEM", "PENDING_DISCONNECT");
            String text = r.text();
            assertTrue(text.startsWith("{\n  \"webhook_type\": \"ITEM\",\n"), text);
            assertTrue(text.endsWith("\n}"), text);
            assertTrue(text.contains("\n  \"reason\": \"INSTITUTION_TOKEN_EXPIRATION\""), text);
            assertTrue(text.contains("\n  \"environment\": \"sandbox\""), text);

            IndependentWebhookVerifier.Verified v = verify(r);
            assertEquals(RestAssured.get("/emulator/keys").then().extract().path("current_kid"), v.kid());
            assertTrue(Math.abs(Instant.now().getEpochSecond() - v.iat()) < 60);

            byte[] tampered = text.replace("ITEM", "ITEN").getBytes(StandardCharsets.UTF_8);
            assertThrows(SecurityException.class, () -> IndependentWebhookVerifier.verify(tampered,
                    r.verification(), this::key), "a changed body must not verify");
            byte[] reformatted = text.replace("  ", "    ").getBytes(StandardCharsets.UTF_8);
            assertThrows(SecurityException.class, () -> IndependentWebhookVerifier.verify(reformatted,
                    r.verification(), this::key), "whitespace is part of the signed bytes");
        }
    }

    @Test
    void rotatedKeysKeepVerifyingUntilExpired() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH);
            fire(item.getItemId(), "NEW_ACCOUNTS_AVAILABLE");
            WebhookReceiver.Received before = receiver.await("ITEM", "NEW_ACCOUNTS_AVAILABLE");
            String oldKid = verify(before).kid();

            JsonPath rotated = RestAssured.post("/emulator/keys/rotate").then().statusCode(200).extract().jsonPath();
            String newKid = rotated.getString("kid");
            assertEquals(oldKid, rotated.getString("previous_kid"));
            assertNotEquals(oldKid, newKid);

            fire(item.getItemId(), "LOGIN_REPAIRED");
            WebhookReceiver.Received after = receiver.await("ITEM", "LOGIN_REPAIRED");
            assertEquals(newKid, verify(after).kid(), "the new key signs");
            assertEquals(oldKid, verify(before).kid(), "the old key still verifies until expired");
            assertNull(key(oldKid).getExpiredAt());

            RestAssured.post("/emulator/keys/" + oldKid + "/expire").then().statusCode(200);
            assertNotNull(key(oldKid).getExpiredAt(), "/webhook_verification_key/get shows expired_at");
            assertThrows(SecurityException.class, () -> verify(before), "expired keys are rejected");
            assertEquals(newKid, verify(after).kid());

            var unknown = fail(plaid.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest()
                    .keyId("no-such-kid")));
            assertEquals("INVALID_WEBHOOK_VERIFICATION_KEY_ID", unknown.error().getErrorCode());
        }
    }

    @Test
    void failedDeliveriesAreRetriedWithFourfoldBackoff() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver().answer(500, 503)) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH);
            String id = fire(item.getItemId(), "USER_PERMISSION_REVOKED");
            JsonPath delivery = awaitDelivery(id, "DELIVERED");
            assertEquals(List.of(500, 503, 200), delivery.getList("attempts.status"));
            List<Instant> at = delivery.<String>getList("attempts.at").stream().map(Instant::parse).toList();
            // lower bounds only (a scheduler never fires early): 100 ms, then 400 ms
            assertTrue(Duration.between(at.get(0), at.get(1)).toMillis() >= 100, at.toString());
            assertTrue(Duration.between(at.get(1), at.get(2)).toMillis() >= 400, at.toString());
            assertEquals(3, receiver.received().size());
            // every attempt carries the same bytes and its own valid signature
            for (WebhookReceiver.Received r : receiver.received()) {
                verify(r);
                assertEquals(receiver.received().get(0).text(), r.text());
            }
            assertEquals(item.getItemId(), delivery.getString("item_id"));
        }
    }

    @Test
    void deliveryGivesUpAfterTheRetryWindow() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver().defaultStatus(500)) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH);
            String id = fire(item.getItemId(), "LOGIN_REPAIRED");
            JsonPath delivery = awaitDelivery(id, "GAVE_UP");
            // base 100 ms, window 2 s: attempts planned at 0, 0.1 s, 0.5 s; the next (2.1 s) is beyond the window
            assertEquals(3, delivery.getList("attempts").size());
            assertNull(delivery.get("next_attempt_at"));
        }
    }

    @Test
    void unreachableReceiversCountAsFailures() {
        ItemPublicTokenExchangeResponse item = newItem("http://127.0.0.1:9/nothing-listens-here", Products.AUTH);
        String id = fire(item.getItemId(), "LOGIN_REPAIRED");
        JsonPath delivery = awaitDelivery(id, "GAVE_UP");
        assertNull(delivery.get("attempts[0].status"));
        assertNotNull(delivery.get("attempts[0].error"));
    }
}
