package dev.tartan.emulator.support;

import com.plaid.client.model.CountryCode;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.JWKPublicKey;
import com.plaid.client.model.LinkTokenCreateRequest;
import com.plaid.client.model.LinkTokenCreateRequestUser;
import com.plaid.client.model.Products;
import com.plaid.client.model.SandboxPublicTokenCreateRequest;
import com.plaid.client.model.SandboxPublicTokenCreateRequestOptions;
import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import com.plaid.client.request.PlaidApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Common ground of the emulator tests: state reset before each test, a plaid-java client whose every response is
 * checked against Plaid's OpenAPI document after each test, and helpers for the control API.
 */
public abstract class EmulatorTestBase {
    @TestHTTPResource("/")
    protected URL baseUrl;

    protected PlaidClientFixture fixture;
    protected PlaidApi plaid;

    @BeforeEach
    void resetAndConnect() {
        RestAssured.given().contentType(ContentType.JSON).body("{}").post("/emulator/reset").then().statusCode(200);
        fixture = new PlaidClientFixture(baseUrl.toString());
        plaid = fixture.api();
    }

    @AfterEach
    void everyResponseMatchedPlaidsSchema() {
        assertTrue(fixture.violations().isEmpty(), "responses not matching Plaid's OpenAPI: "
                + String.join("\n", fixture.violations()));
    }

    /** A new Item through {@code /sandbox/public_token/create} + exchange. */
    protected ItemPublicTokenExchangeResponse newItem(String webhook, Products... products) {
        SandboxPublicTokenCreateRequestOptions options = new SandboxPublicTokenCreateRequestOptions();
        if (webhook != null) {
            options.setWebhook(webhook);
        }
        String publicToken = PlaidClientFixture.ok(plaid.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest()
                .institutionId("ins_109508").initialProducts(List.of(products)).options(options))).getPublicToken();
        return PlaidClientFixture.ok(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest()
                .publicToken(publicToken)));
    }

    protected LinkTokenCreateRequest linkTokenRequest(String clientUserId) {
        return new LinkTokenCreateRequest().clientName("Tartan").language("en")
                .countryCodes(List.of(CountryCode.US))
                .user(new LinkTokenCreateRequestUser().clientUserId(clientUserId));
    }

    /** Plays a Link session through the control API and returns its JSON. */
    protected JsonPath linkSession(Map<String, Object> body) {
        return RestAssured.given().contentType(ContentType.JSON).body(body).post("/emulator/link/sessions")
                .then().statusCode(200).extract().jsonPath();
    }

    protected JWKPublicKey key(String kid) {
        try {
            retrofit2.Response<com.plaid.client.model.WebhookVerificationKeyGetResponse> r =
                    plaid.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest().keyId(kid)).execute();
            return r.isSuccessful() ? r.body().getKey() : null;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Verifies a received webhook with the independent (jose4j) verifier against keys fetched via plaid-java. */
    protected IndependentWebhookVerifier.Verified verify(WebhookReceiver.Received received) throws Exception {
        return IndependentWebhookVerifier.verify(received.body(), received.verification(), this::key);
    }

    /** Polls the delivery log until the delivery reaches {@code state} (10 s at most). */
    protected JsonPath awaitDelivery(String deliveryId, String state) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        JsonPath last = null;
        while (Instant.now().isBefore(deadline)) {
            last = RestAssured.get("/emulator/webhooks/deliveries/" + deliveryId).then().statusCode(200)
                    .extract().jsonPath();
            if (state.equals(last.getString("state"))) {
                return last;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertEquals(state, last == null ? null : last.getString("state"), "delivery " + deliveryId);
        return last;
    }
}
