package dev.tartan.emulator.control;

import com.plaid.client.model.ItemGetRequest;
import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.ItemRemoveRequest;
import com.plaid.client.model.PlaidErrorType;
import com.plaid.client.model.Products;
import dev.tartan.emulator.support.EmulatorTestBase;
import dev.tartan.emulator.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.tartan.emulator.support.PlaidClientFixture.fail;
import static dev.tartan.emulator.support.PlaidClientFixture.ok;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The /emulator control API: faults, webhook firing with state, Item inspection, reset, health. */
@QuarkusTest
class ControlApiTest extends EmulatorTestBase {

    private void fault(Map<String, Object> body) {
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/emulator/faults").then().statusCode(200);
    }

    @Test
    void rateLimitFaultsApplyForTheirCount() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
        fault(Map.of("endpoint", "/item/get", "type", "RATE_LIMIT", "count", 2));
        for (int i = 0; i < 2; i++) {
            var limited = fail(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));
            assertEquals(429, limited.status());
            assertEquals(PlaidErrorType.RATE_LIMIT_EXCEEDED, limited.error().getErrorType());
        }
        ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));
        RestAssured.get("/emulator/faults").then().body("faults[0].applied", equalTo(2));
        // other endpoints are unaffected
        fault(Map.of("endpoint", "/item/remove", "type", "SERVER_ERROR_503", "count", 1));
        ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));
        var maintenance = fail(plaid.itemRemove(new ItemRemoveRequest().accessToken(item.getAccessToken())));
        assertEquals(503, maintenance.status());
        assertEquals("PLANNED_MAINTENANCE", maintenance.error().getErrorCode());
        ok(plaid.itemRemove(new ItemRemoveRequest().accessToken(item.getAccessToken())));
    }

    @Test
    void serverErrorsLatencyAndRatesAndClearing() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
        fault(Map.of("endpoint", "/item/get", "type", "SERVER_ERROR_500"));
        var error = fail(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));
        assertEquals(500, error.status());
        assertEquals(PlaidErrorType.API_ERROR, error.error().getErrorType());
        assertEquals("INTERNAL_SERVER_ERROR", error.error().getErrorCode());
        fail(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));

        RestAssured.delete("/emulator/faults").then().statusCode(200);
        ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));

        fault(Map.of("endpoint", "/item/get", "type", "RATE_LIMIT", "rate", 0.0));
        fault(Map.of("endpoint", "/item/get", "type", "LATENCY", "latency_ms", 50, "count", 1));
        ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken())));
        RestAssured.get("/emulator/faults").then().body("faults", hasSize(2))
                .body("faults[0].applied", equalTo(0)).body("faults[1].applied", equalTo(1));

        RestAssured.given().contentType(ContentType.JSON).body(Map.of("endpoint", "/item/get", "type", "BOOM"))
                .post("/emulator/faults").then().statusCode(400).body("code", equalTo("INVALID_REQUEST"));
    }

    @Test
    void firedItemWebhooksChangeTheItemLikeThePlaidEventWould() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            ItemPublicTokenExchangeResponse item = newItem(receiver.url(), Products.AUTH);
            String deliveryId = RestAssured.given().contentType(ContentType.JSON)
                    .body(Map.of("item_id", item.getItemId(), "webhook_code", "ERROR",
                            "fields", Map.of("user_id", "usr_42")))
                    .post("/emulator/webhooks/fire").then().statusCode(200).extract().path("delivery_id");
            WebhookReceiver.Received r = receiver.await("ITEM", "ERROR");
            verify(r);
            assertEquals(true, r.text().contains("\"user_id\": \"usr_42\""));
            assertEquals("ITEM_LOGIN_REQUIRED", ok(plaid.itemGet(new ItemGetRequest()
                    .accessToken(item.getAccessToken()))).getItem().getError().getErrorCode());
            RestAssured.get("/emulator/items/" + item.getItemId()).then().statusCode(200)
                    .body("status", equalTo("ERROR")).body("error.error_code", equalTo("ITEM_LOGIN_REQUIRED"))
                    .body("webhook", equalTo(receiver.url()));
            RestAssured.get("/emulator/webhooks/deliveries?item_id=" + item.getItemId()).then()
                    .body("deliveries.id", org.hamcrest.Matchers.hasItem(deliveryId));

            RestAssured.given().contentType(ContentType.JSON)
                    .body(Map.of("item_id", item.getItemId(), "webhook_code", "LOGIN_REPAIRED"))
                    .post("/emulator/webhooks/fire").then().statusCode(200);
            receiver.await("ITEM", "LOGIN_REPAIRED");
            assertNull(ok(plaid.itemGet(new ItemGetRequest().accessToken(item.getAccessToken()))).getItem()
                    .getError());

            for (String code : new String[] {"PENDING_EXPIRATION", "USER_ACCOUNT_REVOKED"}) {
                RestAssured.given().contentType(ContentType.JSON)
                        .body(Map.of("webhook_type", "ITEM", "webhook_code", code, "item_id", item.getItemId()))
                        .post("/emulator/webhooks/fire").then().statusCode(200);
                receiver.await("ITEM", code);
            }
            RestAssured.given().contentType(ContentType.JSON)
                    .body(Map.of("webhook_type", "IDENTITY", "webhook_code", "DEFAULT_UPDATE",
                            "item_id", item.getItemId())).post("/emulator/webhooks/fire").then().statusCode(200);
            receiver.await(t -> t.contains("\"account_ids_with_updated_identity\""));
            RestAssured.given().contentType(ContentType.JSON)
                    .body(Map.of("webhook_type", "ITEM", "webhook_code", "NOPE", "item_id", item.getItemId()))
                    .post("/emulator/webhooks/fire").then().statusCode(400);
        }
    }

    @Test
    void resetForgetsStateButKeepsKeysUnlessAsked() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
        String kid = RestAssured.get("/emulator/keys").then().extract().path("current_kid");
        RestAssured.get("/emulator/items/" + item.getItemId() + "/access_token").then().statusCode(200)
                .body("item_id", equalTo(item.getItemId())).body("access_token", equalTo(item.getAccessToken()));
        RestAssured.given().contentType(ContentType.JSON).body("{}").post("/emulator/reset").then().statusCode(200);
        RestAssured.get("/emulator/items/" + item.getItemId()).then().statusCode(404);
        RestAssured.get("/emulator/items/" + item.getItemId() + "/access_token").then().statusCode(404);
        assertEquals("INVALID_ACCESS_TOKEN", fail(plaid.itemGet(new ItemGetRequest()
                .accessToken(item.getAccessToken()))).error().getErrorCode());
        assertEquals(kid, RestAssured.get("/emulator/keys").then().extract().path("current_kid"));

        RestAssured.given().contentType(ContentType.JSON).body(Map.of("keys", true)).post("/emulator/reset")
                .then().statusCode(200).body("keys_reset", equalTo(true));
        assertNotEquals(kid, RestAssured.get("/emulator/keys").then().extract().path("current_kid"));
        assertNull(key(kid), "regenerated keys forget the old kid");
    }

    @Test
    void readinessIsReported() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void unknownPlaidPathsAnswerWithPlaidsNotFoundError() {
        RestAssured.given().contentType(ContentType.JSON).body("{}").post("/transactions/nope").then()
                .statusCode(404).body("error_type", equalTo("INVALID_REQUEST"))
                .body("error_code", equalTo("NOT_FOUND")).body("request_id", org.hamcrest.Matchers.notNullValue());
        RestAssured.given().contentType(ContentType.JSON).body("{not json").post("/item/get").then()
                .statusCode(400).body("error_code", equalTo("INVALID_BODY"));
    }
}
