package dev.tartan.identity.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.plaid.gateway.ExchangedItem;
import dev.tartan.plaid.gateway.PlaidCallContext;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.PlaidGateway;
import dev.tartan.testsupport.EmulatorClient;
import dev.tartan.testsupport.KafkaTestClient;
import dev.tartan.testsupport.PlaidEmulatorResource;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import com.plaid.client.model.CountryCode;
import com.plaid.client.model.IncomeVerificationDocParsingConfig;
import com.plaid.client.model.LinkTokenCreateIdentity;
import com.plaid.client.model.LinkTokenCreateRequest;
import com.plaid.client.model.LinkTokenCreateRequestAuth;
import com.plaid.client.model.LinkTokenCreateRequestUser;
import com.plaid.client.model.Products;
import com.plaid.client.model.SandboxPublicTokenCreateRequest;
import com.plaid.client.model.SandboxPublicTokenCreateRequestOptions;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real path: Items created on the Plaid emulator through plaid-java and the gateway, item.linked on the real
 * broker, Identity Match / documents / auth answered by the emulator, decisions and commands through the outbox.
 */
@QuarkusTest
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "identity"))
@WithTestResource(PlaidEmulatorResource.class)
class EmulatorFlowTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static KafkaTestClient kafka;
    static TopicProbe decisions;
    static TopicProbe reviews;
    static EmulatorClient emulator;

    @Inject
    PlaidGateway gateway;

    @BeforeAll
    static void start() {
        kafka = new KafkaTestClient(TartanInfraResource.kafkaBootstrapServers());
        decisions = kafka.watch(Topics.IDENTITY_VERIFICATIONS);
        reviews = kafka.watch(Topics.COMMANDS_FRAUD_REVIEW);
        emulator = PlaidEmulatorResource.client();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    record Linked(String itemId, SealedToken token, List<String> accountIds) {
    }

    static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static String app() {
        return TestJwt.token("app-backend", "app");
    }

    static void putProfile(String user, String name, String phone, String email) {
        given().auth().oauth2(app()).contentType(ContentType.JSON)
                .body(Map.of("legal_name", name, "phone_number", phone, "email_address", email,
                        "address", Map.of("street", "2992 Cameron Road", "city", "Malakoff", "region", "NY", "postal_code", "14236", "country", "US")))
                .put("/identity/users/" + user + "/profile").then().statusCode(200);
    }

    /** A credential Item for a sandbox login, created and exchanged through the gateway. */
    Linked sandboxItem(String username, List<Products> products) {
        String publicToken = gateway.call(PlaidEndpoint.SANDBOX_PUBLIC_TOKEN_CREATE, PlaidCallContext.none(),
                        api -> api.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest().institutionId("ins_109508")
                                .initialProducts(products).options(new SandboxPublicTokenCreateRequestOptions()
                                        .overrideUsername(username).overridePassword("pass_good").webhook("http://127.0.0.1:9/hooks"))))
                .await().atMost(WAIT).getPublicToken();
        return exchange(publicToken);
    }

    Linked exchange(String publicToken) {
        ExchangedItem item = gateway.exchangePublicToken(publicToken, PlaidCallContext.none()).await().atMost(WAIT);
        List<String> accounts = new ArrayList<>();
        emulator.get("/emulator/items/" + item.itemId()).path("accounts").forEach(a -> accounts.add(a.path("account_id").asText()));
        return new Linked(item.itemId(), item.accessToken(), accounts);
    }

    /** A Database Insights Item: the user types an account number instead of logging in. */
    Linked databaseInsightsItem(String user, String accountNumber) {
        String linkToken = gateway.call(PlaidEndpoint.LINK_TOKEN_CREATE, PlaidCallContext.user(user),
                        api -> api.linkTokenCreate(new LinkTokenCreateRequest().clientName("Tartan").language("en")
                                .countryCodes(List.of(CountryCode.US)).user(new LinkTokenCreateRequestUser().clientUserId(user))
                                .products(List.of(Products.AUTH)).optionalProducts(List.of(Products.IDENTITY))
                                .auth(new LinkTokenCreateRequestAuth().databaseInsightsEnabled(true))))
                .await().atMost(WAIT).getLinkToken();
        JsonNode session = emulator.post("/emulator/link/sessions", Map.of("link_token", linkToken,
                "account_number", accountNumber, "routing_number", "011401533"));
        return exchange(session.path("public_token").asText());
    }

    void uploadStatement(Linked item, String user, String username) {
        String linkToken = gateway.callWithAccessToken(PlaidEndpoint.LINK_TOKEN_CREATE, item.itemId(),
                        item.token(),
                        (api, token) -> api.linkTokenCreate(new LinkTokenCreateRequest().accessToken(token).clientName("Tartan")
                                .language("en").countryCodes(List.of(CountryCode.US)).user(new LinkTokenCreateRequestUser().clientUserId(user))
                                .products(List.of(Products.IDENTITY)).webhook("http://127.0.0.1:9/hooks")
                                .identity(new LinkTokenCreateIdentity().isDocumentUpload(true).accountIds(List.of(item.accountIds().get(0)))
                                        .parsingConfigs(List.of(IncomeVerificationDocParsingConfig.OCR, IncomeVerificationDocParsingConfig.RISK_SIGNALS)))))
                .await().atMost(WAIT).getLinkToken();
        // the statement is the one of the user who logs in to the update-mode session
        emulator.post("/emulator/link/sessions", Map.of("link_token", linkToken, "username", username, "password", "pass_good"));
        // what webhook-ingest publishes when Plaid's IDENTITY DOCUMENT_UPDATE_AVAILABLE arrives
        String body = "{\"webhook_type\":\"IDENTITY\",\"webhook_code\":\"DOCUMENT_UPDATE_AVAILABLE\",\"item_id\":\"" + item.itemId()
                + "\",\"document_status\":\"OCR_PROCESSING_COMPLETE\",\"environment\":\"sandbox\"}";
        String deliveryId = UUID.randomUUID().toString();
        PlaidWebhookReceived data = new PlaidWebhookReceived(deliveryId, "IDENTITY", "DOCUMENT_UPDATE_AVAILABLE", item.itemId(), item.itemId(),
                "sha", Instant.now(), Instant.now(), "kid", "sandbox", body);
        EventEnvelope env = new EventEnvelope(EventEnvelope.SPEC_VERSION, deliveryId,
                PlaidWebhookReceived.eventType("IDENTITY", "DOCUMENT_UPDATE_AVAILABLE"), "webhook-ingest", Instant.now(),
                item.itemId(), 1, EventJson.mapper().valueToTree(data));
        kafka.send(Topics.PLAID_WEBHOOKS_IDENTITY, item.itemId(), env.toJson());
    }

    void publishLinked(Linked item, String user, List<String> products, List<String> optional) {
        ItemLinked payload = new ItemLinked(item.itemId(), user, new InstitutionRef("ins_109508", "First Platypus Bank"),
                item.accountIds().stream().map(a -> new LinkedAccount(a, "Checking", "0000", "depository", "checking")).toList(),
                products, List.of(), optional, List.of(), "link-" + item.itemId(), item.token(), Instant.now());
        EventEnvelope env = EventEnvelope.wrap(EventTypes.ITEM_LINKED, "link-service", item.itemId(), payload);
        kafka.send(Topics.ITEMS_EVENTS, item.itemId(), env.toJson());
    }

    static JsonNode data(ConsumerRecord<String, String> r) {
        return EventEnvelope.fromJson(r.value()).data();
    }

    static JsonNode decision(String item, String account, String outcome) {
        return data(decisions.await(r -> item.equals(r.key()) && account.equals(data(r).path("account_id").asText())
                && outcome.equals(data(r).path("decision").asText()), WAIT));
    }

    // ------------------------------------------------------------------

    @Test
    void identityMatchPassAndFailOnOneFieldThroughTheEmulator() {
        String good = "user-" + id();
        putProfile(good, "Alberta Charleson", "+1 111-222-3333", "accountholder0@example.com");
        Linked item = sandboxItem("user_good", List.of(Products.AUTH, Products.IDENTITY));
        publishLinked(item, good, List.of("auth", "identity"), List.of());
        for (String account : item.accountIds()) {
            JsonNode d = decision(item.itemId(), account, "verified");
            int name = d.at("/scores/scores/legal_name/score").asInt();
            assertTrue(name >= 85 && name < 100, "missing middle name is a strong match: " + d);
        }

        String other = "user-" + id();
        putProfile(other, "Alberta Bobbeth Charleson", "+1 111-222-3333", "someone.else@example.org");
        Linked item2 = sandboxItem("user_good", List.of(Products.AUTH, Products.IDENTITY));
        publishLinked(item2, other, List.of("auth", "identity"), List.of());
        JsonNode failed = decision(item2.itemId(), item2.accountIds().get(0), "failed");
        assertTrue(failed.path("reasons").toString().contains("EMAIL_ADDRESS_MISMATCH"), failed.toString());
        JsonNode review = data(reviews.awaitKey(other, WAIT));
        assertEquals("IDENTITY_MATCH_FAILED", review.path("reason").asText());
        assertTrue(review.at("/evidence/plaid_request_id").asText().length() > 0);
    }

    @Test
    void severalOwnersKeepTheBestScores() {
        String username = "custom_joint_" + id();
        emulator.post("/emulator/users", Map.of("username", username, "owners", List.of(
                Map.of("names", List.of("Ray Charles"), "phone_numbers", List.of(), "emails", List.of(), "addresses", List.of()),
                Map.of("names", List.of("Alberta Bobbeth Charleson"), "phone_numbers", List.of(Map.of("data", "1112223333", "primary", true, "type", "home")),
                        "emails", List.of(), "addresses", List.of()))));
        String user = "user-" + id();
        putProfile(user, "Alberta Bobbeth Charleson", "+1 111-222-3333", "accountholder0@example.com");
        Linked item = sandboxItem(username, List.of(Products.AUTH, Products.IDENTITY));
        publishLinked(item, user, List.of("auth", "identity"), List.of());
        JsonNode d = decision(item.itemId(), item.accountIds().get(0), "verified");
        assertEquals(100, d.at("/scores/scores/legal_name/score").asInt());
        assertTrue(d.at("/scores/scores/phone_number/score").asInt() >= 70, d.toString());
    }

    @Test
    void databaseInsightsPassCautionFail() {
        String user = "user-" + id();
        putProfile(user, "Alberta Bobbeth Charleson", "+1 111-222-3333", "accountholder0@example.com");
        Linked pass = databaseInsightsItem(user, "1111222233330000");
        Linked caution = databaseInsightsItem(user, "987654321");
        Linked fail = databaseInsightsItem(user, "12");
        for (Linked l : List.of(pass, caution, fail)) {
            publishLinked(l, user, List.of("auth"), List.of("identity"));
        }
        JsonNode p = decision(pass.itemId(), pass.accountIds().get(0), "verified");
        assertTrue(p.path("reasons").toString().contains("DATABASE_INSIGHTS_PASS"), p.toString());
        JsonNode c = decision(caution.itemId(), caution.accountIds().get(0), "needs_review");
        assertEquals("DOCUMENT_UPLOAD", c.path("next_step").asText(), "Identity Match unsupported on an unseen Item: " + c);
        assertTrue(c.path("reasons").toString().contains("IDENTITY_MATCH_PRODUCTS_NOT_SUPPORTED"), c.toString());
        decision(fail.itemId(), fail.accountIds().get(0), "failed");
        JsonNode review = data(reviews.await(r -> user.equals(r.key()) && data(r).path("item_ids").toString().contains(fail.itemId()), WAIT));
        assertEquals("DATABASE_INSIGHTS_FAILED", review.path("reason").asText());
    }

    @Test
    void documentUploadMismatchHighRiskAndClean() {
        String user = "user-" + id();
        putProfile(user, "Alberta Bobbeth Charleson", "+1 111-222-3333", "accountholder0@example.com");
        Linked mismatch = sandboxItem("user_doc_mismatch", List.of(Products.AUTH));
        Linked risky = sandboxItem("user_doc_high_risk", List.of(Products.AUTH));
        Linked clean = sandboxItem("user_good", List.of(Products.AUTH));
        for (Linked l : List.of(mismatch, risky, clean)) {
            publishLinked(l, user, List.of("auth"), List.of());
        }
        for (Linked l : List.of(mismatch, risky, clean)) {
            given().auth().oauth2(app()).get("/identity/items/" + l.itemId()).then().statusCode(org.hamcrest.Matchers.anyOf(
                    org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(404)));
        }
        FlowWait.until(() -> List.of(mismatch, risky, clean).stream().allMatch(l ->
                given().auth().oauth2(app()).get("/identity/items/" + l.itemId()).then().extract().statusCode() == 200), WAIT);
        uploadStatement(mismatch, user, "user_doc_mismatch");
        uploadStatement(risky, user, "user_doc_high_risk");
        uploadStatement(clean, user, "user_good");
        String acc = mismatch.accountIds().get(0);
        JsonNode mm = decision(mismatch.itemId(), acc, "failed");
        assertTrue(mm.path("reasons").toString().contains("DOCUMENT_ACCOUNT_NUMBER_MISMATCH"), mm.toString());
        JsonNode rk = decision(risky.itemId(), risky.accountIds().get(0), "failed");
        assertTrue(rk.path("reasons").toString().contains("DOCUMENT_HIGH_RISK"), rk.toString());
        assertTrue(rk.at("/scores/document/risk_signals").size() >= 1, rk.toString());
        JsonNode ok = decision(clean.itemId(), clean.accountIds().get(0), "verified");
        assertEquals("DOCUMENT_UPLOAD", ok.path("method").asText());
        data(reviews.await(r -> user.equals(r.key()) && "DOCUMENT_HIGH_RISK".equals(data(r).path("reason").asText()), WAIT));
        data(reviews.await(r -> user.equals(r.key()) && "DOCUMENT_ACCOUNT_NUMBER_MISMATCH".equals(data(r).path("reason").asText()), WAIT));
    }
}
