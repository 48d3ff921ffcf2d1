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
import com.plaid.client.model.IdentityGetRequest;
import dev.tartan.identity.store.OwnerSnapshotEntity;
import dev.tartan.plaid.gateway.PlaidApiException;
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
    /** Items' webhook URL: nothing listens there; the tests publish what the emulator signed, as webhook-ingest would. */
    static final String HOOKS = "http://127.0.0.1:9/hooks";
    static KafkaTestClient kafka;
    static TopicProbe decisions;
    static TopicProbe reviews;
    static TopicProbe relinks;
    static EmulatorClient emulator;

    @Inject
    PlaidGateway gateway;

    @BeforeAll
    static void start() {
        kafka = new KafkaTestClient(TartanInfraResource.kafkaBootstrapServers());
        decisions = kafka.watch(Topics.IDENTITY_VERIFICATIONS);
        reviews = kafka.watch(Topics.COMMANDS_FRAUD_REVIEW);
        relinks = kafka.watch(Topics.COMMANDS_RELINK);
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

    /** A manually entered account verified by automated micro-deposits (pending until an AUTH webhook settles it). */
    Linked microDepositItem(String user, String accountNumber) {
        String linkToken = gateway.call(PlaidEndpoint.LINK_TOKEN_CREATE, PlaidCallContext.user(user),
                        api -> api.linkTokenCreate(new LinkTokenCreateRequest().clientName("Tartan").language("en")
                                .countryCodes(List.of(CountryCode.US)).user(new LinkTokenCreateRequestUser().clientUserId(user))
                                .products(List.of(Products.AUTH)).webhook(HOOKS)
                                .auth(new LinkTokenCreateRequestAuth().automatedMicrodepositsEnabled(true))))
                .await().atMost(WAIT).getLinkToken();
        JsonNode session = emulator.post("/emulator/link/sessions", Map.of("link_token", linkToken,
                "account_number", accountNumber, "routing_number", "011401533"));
        return exchange(session.path("public_token").asText());
    }

    /** A credential Item whose user did not share Identity on Link's consent pane (optional identity withheld). */
    Linked identityWithheldItem(String user) {
        String linkToken = gateway.call(PlaidEndpoint.LINK_TOKEN_CREATE, PlaidCallContext.user(user),
                        api -> api.linkTokenCreate(new LinkTokenCreateRequest().clientName("Tartan").language("en")
                                .countryCodes(List.of(CountryCode.US)).user(new LinkTokenCreateRequestUser().clientUserId(user))
                                .products(List.of(Products.AUTH)).optionalProducts(List.of(Products.IDENTITY)).webhook(HOOKS)))
                .await().atMost(WAIT).getLinkToken();
        JsonNode session = emulator.post("/emulator/link/sessions", Map.of("link_token", linkToken,
                "username", "user_good", "password", "pass_good", "withheld_products", List.of("identity")));
        return exchange(session.path("public_token").asText());
    }

    /**
     * What webhook-ingest publishes for a verified delivery of {@code body} (the emulator's signed body, byte for
     * byte): a new delivery id each time, as for every HTTP delivery Plaid makes.
     */
    static EventEnvelope webhookEnvelope(String itemId, String body) {
        JsonNode parsed;
        try {
            parsed = EmulatorClient.mapper().readTree(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        String type = parsed.path("webhook_type").asText();
        String code = parsed.path("webhook_code").asText();
        String deliveryId = UUID.randomUUID().toString();
        PlaidWebhookReceived data = new PlaidWebhookReceived(deliveryId, type, code, itemId, itemId, sha256(body),
                Instant.now(), Instant.now(), "kid", "sandbox", body);
        return new EventEnvelope(EventEnvelope.SPEC_VERSION, deliveryId, PlaidWebhookReceived.eventType(type, code),
                "webhook-ingest", Instant.now(), itemId, 1, EventJson.mapper().valueToTree(data));
    }

    static void publishWebhook(EventEnvelope env) {
        PlaidWebhookReceived w = EventJson.mapper().convertValue(env.data(), PlaidWebhookReceived.class);
        kafka.send("AUTH".equals(w.webhookType()) ? Topics.PLAID_WEBHOOKS_AUTH : Topics.PLAID_WEBHOOKS_IDENTITY,
                env.subject(), env.toJson());
    }

    /** Fires a webhook on the emulator (which applies the state it announces) and publishes the body it signed. */
    static EventEnvelope fireAndPublish(String itemId, String type, String code, Map<String, Object> fields) {
        JsonNode fired = emulator.post("/emulator/webhooks/fire", Map.of("item_id", itemId, "webhook_type", type,
                "webhook_code", code, "fields", fields));
        EventEnvelope env = webhookEnvelope(itemId, fired.path("body").asText());
        publishWebhook(env);
        return env;
    }

    /** The emulator's log of data calls made with the Item's access token to {@code endpoint}. */
    static List<JsonNode> calls(String itemId, String endpoint) {
        List<JsonNode> out = new ArrayList<>();
        emulator.get("/emulator/items/" + itemId + "/calls?endpoint=" + endpoint).path("calls").forEach(out::add);
        return out;
    }

    static long count(TopicProbe probe, String key) {
        return probe.records().stream().filter(r -> key.equals(r.key())).count();
    }

    static long countDecisions(String item, String account) {
        return decisions.records().stream().filter(r -> item.equals(r.key())
                && account.equals(data(r).path("account_id").asText())).count();
    }

    /** identity-service's owner snapshots of an Item: account id -> latest version. */
    static Map<String, Integer> snapshotVersions(String itemId) {
        List<OwnerSnapshotEntity> rows;
        try {
            rows = io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> io.quarkus.hibernate.reactive.panache.Panache
                    .withSession(() -> OwnerSnapshotEntity.<OwnerSnapshotEntity>list("itemId = ?1 order by accountId, version", itemId)));
        } catch (Throwable t) {
            throw new AssertionError("reading owner snapshots", t);
        }
        Map<String, Integer> latest = new java.util.TreeMap<>();
        rows.forEach(r -> latest.put(r.accountId, r.version));
        return latest;
    }

    static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleepFor(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitRegistered(String itemId) {
        FlowWait.until(() -> given().auth().oauth2(app()).get("/identity/items/" + itemId).then().extract().statusCode() == 200, WAIT);
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

    // ------------------------------------------------------------------ issue #10: the stub-only paths, on the emulator

    /**
     * A manually entered account (automated micro-deposits) has no identity data at Plaid: /identity/match answers
     * PRODUCTS_NOT_SUPPORTED (REFERENCE §3.8) and so does /identity/get. With Auth consented identity-service waits
     * for the micro-deposits (PRODUCT_NOT_READY) and asks Identity Match nothing; where Identity is the only evidence it
     * decides {@code unsupported}, next step document upload, once: no fraud review, no retry loop.
     */
    @Test
    void manualItemUnknownToPlaidIsUnsupportedOnTheEmulator() {
        String user = "user-" + id();
        putProfile(user, "Alberta Bobbeth Charleson", "+1 111-222-3333", "accountholder0@example.com");

        // Auth consented: pending micro-deposits, no decision, Identity Match not asked
        Linked pending = microDepositItem(user, "987654321");
        publishLinked(pending, user, List.of("auth"), List.of("identity"));
        awaitRegistered(pending.itemId());
        FlowWait.until(() -> calls(pending.itemId(), "/auth/get").size() == 1, WAIT);

        // Identity only: Identity Match is the one signal, and Plaid cannot give it
        Linked manual = microDepositItem(user, "123456789");
        publishLinked(manual, user, List.of("identity"), List.of());
        String account = manual.accountIds().get(0);
        JsonNode d = decision(manual.itemId(), account, "unsupported");
        assertEquals("DOCUMENT_UPLOAD", d.path("next_step").asText(), d.toString());
        assertTrue(d.path("reasons").toString().contains("IDENTITY_MATCH_PRODUCTS_NOT_SUPPORTED"), d.toString());
        PlaidApiException get = org.junit.jupiter.api.Assertions.assertThrows(PlaidApiException.class, () -> gateway
                .callWithAccessToken(PlaidEndpoint.IDENTITY_GET, manual.itemId(), manual.token(),
                        (api, token) -> api.identityGet(new IdentityGetRequest().accessToken(token))).await().atMost(WAIT));
        assertEquals("PRODUCTS_NOT_SUPPORTED", get.errorCode());

        sleepFor(Duration.ofSeconds(4));
        List<JsonNode> matches = calls(manual.itemId(), "/identity/match");
        assertEquals(1, matches.size(), "one Identity Match call, no retry loop: " + matches);
        assertEquals("PRODUCTS_NOT_SUPPORTED", matches.get(0).path("error_code").asText());
        assertEquals(1, countDecisions(manual.itemId(), account));
        assertEquals(0, count(decisions, pending.itemId()), "pending micro-deposits: nothing decided yet");
        assertEquals(List.of(), calls(pending.itemId(), "/identity/match"));
        assertEquals(1, calls(pending.itemId(), "/auth/get").size(), "PRODUCT_NOT_READY is waited out, not retried");
        assertEquals(0, count(reviews, user), "unsupported is not a fraud signal");
    }

    /**
     * The bank's owners of one account change (emulator control), Plaid sends IDENTITY DEFAULT_UPDATE for it: a new
     * owner snapshot version for that account only, Identity Match re-run for that account only, a new decision and
     * one fraud review; the webhook again (redelivered, or re-sent by Plaid) changes nothing.
     */
    @Test
    void identityRefreshAfterDefaultUpdateRematchesOnlyChangedAccountsOnTheEmulator() {
        String user = "user-" + id();
        putProfile(user, "Alberta Bobbeth Charleson", "+1 111-222-3333", "accountholder0@example.com");
        Linked item = sandboxItem("user_good", List.of(Products.AUTH, Products.IDENTITY));
        publishLinked(item, user, List.of("auth", "identity"), List.of());
        for (String account : item.accountIds()) {
            decision(item.itemId(), account, "verified");
        }
        FlowWait.until(() -> snapshotVersions(item.itemId()).size() == item.accountIds().size(), WAIT);
        assertTrue(snapshotVersions(item.itemId()).values().stream().allMatch(v -> v == 1), snapshotVersions(item.itemId()).toString());
        String changed = item.accountIds().get(1);
        int matchesBefore = calls(item.itemId(), "/identity/match").size();

        emulator.post("/emulator/items/" + item.itemId() + "/owners", Map.of("account_ids", List.of(changed), "owners", List.of(
                Map.of("names", List.of("Ray Charles"), "phone_numbers", List.of(), "emails", List.of(), "addresses", List.of()))));
        EventEnvelope update = fireAndPublish(item.itemId(), "IDENTITY", "DEFAULT_UPDATE",
                Map.of("account_ids_with_updated_identity", Map.of(changed, List.of("NAMES"))));
        JsonNode failed = decision(item.itemId(), changed, "failed");
        assertTrue(failed.path("reasons").toString().contains("LEGAL_NAME_MISMATCH"), failed.toString());
        JsonNode review = data(reviews.awaitKey(user, WAIT));
        assertEquals("IDENTITY_MATCH_FAILED", review.path("reason").asText());

        Map<String, Integer> versions = snapshotVersions(item.itemId());
        assertEquals(2, versions.get(changed), versions.toString());
        versions.forEach((account, v) -> {
            if (!account.equals(changed)) {
                assertEquals(1, v, "unchanged owners keep their snapshot: " + account);
            }
        });
        List<JsonNode> rematches = calls(item.itemId(), "/identity/match").subList(matchesBefore, calls(item.itemId(), "/identity/match").size());
        assertEquals(1, rematches.size(), rematches.toString());
        assertEquals(List.of(changed), EmulatorClient.mapper().convertValue(rematches.get(0).path("account_ids"), List.class));

        // the same delivery again, and Plaid sending the webhook again: owners unchanged since, nothing new
        publishWebhook(update);
        fireAndPublish(item.itemId(), "IDENTITY", "DEFAULT_UPDATE", Map.of("account_ids_with_updated_identity", Map.of(changed, List.of("NAMES"))));
        sleepFor(Duration.ofSeconds(4));
        assertEquals(item.accountIds().size() + 1, count(decisions, item.itemId()), "every account verified, then the changed one failed");
        assertEquals(1, count(reviews, user));
        assertEquals(matchesBefore + 1, calls(item.itemId(), "/identity/match").size(), "no further Identity Match");
        assertEquals(2, snapshotVersions(item.itemId()).get(changed));
    }

    /**
     * The user did not share Identity in Link: the emulator answers the identity endpoints ACCESS_NOT_GRANTED
     * (REFERENCE §4.3) and sends IDENTITY PRODUCT_PERMISSIONS_REQUIRED (§2.3). identity-service asks for consent
     * once, however often the webhook arrives.
     */
    @Test
    void missingIdentityConsentSendsOneConsentCommandOnTheEmulator() throws Exception {
        String user = "user-" + id();
        putProfile(user, "Alberta Bobbeth Charleson", "+1 111-222-3333", "accountholder0@example.com");
        Linked item = identityWithheldItem(user);
        publishLinked(item, user, List.of("auth"), List.of("identity"));

        JsonNode cmd = data(relinks.awaitKey(item.itemId(), WAIT));
        assertEquals("PRODUCT_CONSENT", cmd.path("mode").asText());
        assertEquals("PRODUCT_PERMISSIONS_REQUIRED", cmd.path("reason").asText());
        assertEquals("identity", cmd.path("products").get(0).asText());
        JsonNode d = data(decisions.await(r -> item.itemId().equals(r.key())
                && "IDENTITY_CONSENT".equals(data(r).path("next_step").asText()), WAIT));
        assertEquals("needs_review", d.path("decision").asText());
        List<JsonNode> matches = calls(item.itemId(), "/identity/match");
        assertEquals(1, matches.size(), matches.toString());
        assertEquals("ACCESS_NOT_GRANTED", matches.get(0).path("error_code").asText());

        // the webhook the emulator sent on that miss, delivered twice, then once more as a new delivery
        List<JsonNode> sent = new ArrayList<>();
        FlowWait.until(() -> {
            sent.clear();
            emulator.get("/emulator/webhooks/deliveries?item_id=" + item.itemId() + "&webhook_code=PRODUCT_PERMISSIONS_REQUIRED")
                    .path("deliveries").forEach(sent::add);
            return !sent.isEmpty();
        }, WAIT);
        assertEquals(1, sent.size(), sent.toString());
        String body = sent.get(0).path("body").asText();
        assertEquals("IDENTITY", EmulatorClient.mapper().readTree(body).path("webhook_type").asText(), body);
        EventEnvelope env = webhookEnvelope(item.itemId(), body);
        publishWebhook(env);
        publishWebhook(env);
        publishWebhook(webhookEnvelope(item.itemId(), body));
        sleepFor(Duration.ofSeconds(4));
        assertEquals(1, count(relinks, item.itemId()), "one consent request per Item");
        assertEquals(1, calls(item.itemId(), "/identity/match").size(), "the webhook needs no Plaid call");
        // ACCESS_NOT_GRANTED and the PRODUCT_PERMISSIONS_REQUIRED it triggers are one fact: one decision per account
        for (String account : item.accountIds()) {
            assertEquals(1, countDecisions(item.itemId(), account), "account " + account);
        }
        assertEquals(0, count(reviews, user));
    }

    /**
     * Automated micro-deposits settled by AUTH webhooks the emulator fires, each changing what its /auth/get returns:
     * AUTOMATICALLY_VERIFIED -> verified, VERIFICATION_EXPIRED -> failed with one fraud review, DEFAULT_UPDATE with a
     * changed account number -> /auth/get asked again, decision unchanged. Redeliveries emit nothing.
     */
    @Test
    void authWebhookRedecisionsOnTheEmulator() {
        String user = "user-" + id();
        putProfile(user, "Alberta Bobbeth Charleson", "+1 111-222-3333", "accountholder0@example.com");
        Linked md = microDepositItem(user, "987654321");
        Linked expiring = microDepositItem(user, "555566667");
        for (Linked l : List.of(md, expiring)) {
            publishLinked(l, user, List.of("auth"), List.of());
            awaitRegistered(l.itemId());
        }
        String acc = md.accountIds().get(0);
        FlowWait.until(() -> calls(md.itemId(), "/auth/get").size() == 1, WAIT);
        assertEquals(0, count(decisions, md.itemId()), "pending: no decision");

        EventEnvelope verified = fireAndPublish(md.itemId(), "AUTH", "AUTOMATICALLY_VERIFIED", Map.of());
        JsonNode v = decision(md.itemId(), acc, "verified");
        assertEquals("MICRO_DEPOSITS", v.path("method").asText());
        assertEquals("automatically_verified", v.at("/scores/verification_status").asText(), v.toString());

        String expAcc = expiring.accountIds().get(0);
        EventEnvelope expired = fireAndPublish(expiring.itemId(), "AUTH", "VERIFICATION_EXPIRED", Map.of());
        JsonNode f = decision(expiring.itemId(), expAcc, "failed");
        assertTrue(f.path("reasons").toString().contains("VERIFICATION_EXPIRED"), f.toString());
        JsonNode review = data(reviews.await(r -> user.equals(r.key()) && data(r).path("item_ids").toString().contains(expiring.itemId()), WAIT));
        assertEquals("MICRO_DEPOSITS_FAILED", review.path("reason").asText());

        // the bank changed the account number: identity-service asks /auth/get again and decides from the new answer
        String numberBefore = emulator.get("/emulator/items/" + md.itemId()).at("/accounts/0/account_number").asText();
        int authCalls = calls(md.itemId(), "/auth/get").size();
        EventEnvelope renumbered = fireAndPublish(md.itemId(), "AUTH", "DEFAULT_UPDATE",
                Map.of("account_ids_with_new_auth", List.of(), "account_ids_with_updated_auth", Map.of(acc, List.of("ACCOUNT_NUMBER"))));
        assertTrue(!numberBefore.equals(emulator.get("/emulator/items/" + md.itemId()).at("/accounts/0/account_number").asText()),
                "the emulator's /auth/get has the new number");
        FlowWait.until(() -> calls(md.itemId(), "/auth/get").size() == authCalls + 1, WAIT);
        // DEFAULT_UPDATE with nothing updated: nothing to ask
        fireAndPublish(md.itemId(), "AUTH", "DEFAULT_UPDATE", Map.of("account_ids_with_new_auth", List.of(), "account_ids_with_updated_auth", Map.of()));

        // every delivery again, and the same facts as new deliveries
        for (EventEnvelope env : List.of(verified, expired, renumbered)) {
            publishWebhook(env);
        }
        publishWebhook(webhookEnvelope(md.itemId(), EventJson.mapper().convertValue(verified.data(), PlaidWebhookReceived.class).body()));
        publishWebhook(webhookEnvelope(expiring.itemId(), EventJson.mapper().convertValue(expired.data(), PlaidWebhookReceived.class).body()));
        sleepFor(Duration.ofSeconds(5));
        assertEquals(1, count(decisions, md.itemId()), "verified once; the new number did not change the decision");
        assertEquals(1, count(decisions, expiring.itemId()));
        assertEquals(1, count(reviews, user), "one fraud review");
        // the redelivered DEFAULT_UPDATE was not run again; the re-sent AUTOMATICALLY_VERIFIED was (a new delivery)
        assertEquals(authCalls + 2, calls(md.itemId(), "/auth/get").size(), calls(md.itemId(), "/auth/get").toString());
    }
}
