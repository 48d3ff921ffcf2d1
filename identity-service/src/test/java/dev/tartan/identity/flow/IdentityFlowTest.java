package dev.tartan.identity.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.ItemRemoved;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.identity.match.Owner;
import dev.tartan.identity.plaid.PlaidIdentityClient;
import dev.tartan.identity.plaid.PlaidIdentityClient.AuthResult;
import dev.tartan.identity.plaid.PlaidIdentityClient.DocumentResult;
import dev.tartan.identity.plaid.PlaidIdentityClient.DocumentsResult;
import dev.tartan.identity.plaid.PlaidIdentityClient.MatchResult;
import dev.tartan.identity.plaid.PlaidIdentityClient.OwnersResult;
import dev.tartan.identity.policy.DocumentEvidence;
import dev.tartan.identity.profile.PostalAddress;
import dev.tartan.testsupport.KafkaTestClient;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * identity-service end to end on the real broker and the real PostgreSQL: item.linked and webhooks in,
 * decisions, fraud-review and consent commands out through the outbox; inbox and decision fingerprints make
 * redelivery and re-ordering emit nothing twice. Plaid's answers come from {@link StubPlaid} (the emulator's
 * identity endpoints are not available yet).
 */
@QuarkusTest
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "identity"))
@TestProfile(IdentityFlowTest.Keys.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // the PII scan (zz...) runs last, over everything the others produced
class IdentityFlowTest {

    /** Gateway credentials and a token key for this JVM (no Plaid is called: the stub answers). */
    public static class Keys implements QuarkusTestProfile {
        static final String KEY = Base64.getEncoder().encodeToString(random32());

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tartan.plaid.base-url", "http://127.0.0.1:9/", "tartan.plaid.environment", "emulator",
                    "tartan.plaid.client-id", "test", "tartan.plaid.secret", "test",
                    "tartan.plaid.token-encryption.active-key-id", "k1", "tartan.plaid.token-encryption.keys.k1", KEY);
        }

        private static byte[] random32() {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            return b;
        }
    }

    // the profile: none of these may appear in an event or a log line
    static final String NAME = "Alberta Bobbeth Charleson";
    static final String PHONE = "+1 111-222-3333";
    static final String EMAIL = "accountholder0@example.com";
    static final String STREET = "2992 Cameron Road";
    static final Duration WAIT = Duration.ofSeconds(30);

    static final List<String> LOG_LINES = new CopyOnWriteArrayList<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String msg = record.getMessage();
            if (record.getParameters() != null && record.getParameters().length > 0) {
                try {
                    msg = String.format(msg, record.getParameters());
                } catch (RuntimeException e) {
                    msg = msg + " " + java.util.Arrays.toString(record.getParameters());
                }
            }
            LOG_LINES.add(msg + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static KafkaTestClient kafka;
    static TopicProbe decisions;
    static TopicProbe reviews;
    static TopicProbe relinks;
    static TopicProbe fraudEvents;
    StubPlaid plaid;

    @BeforeAll
    static void start() {
        Logger.getLogger("").addHandler(CAPTURE);
        kafka = new KafkaTestClient(TartanInfraResource.kafkaBootstrapServers());
        decisions = kafka.watch(Topics.IDENTITY_VERIFICATIONS);
        reviews = kafka.watch(Topics.COMMANDS_FRAUD_REVIEW);
        relinks = kafka.watch(Topics.COMMANDS_RELINK);
        fraudEvents = kafka.watch(Topics.FRAUD_EVENTS);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(CAPTURE);
        kafka.close();
    }

    @BeforeEach
    void stub() {
        plaid = new StubPlaid();
        QuarkusMock.installMockForType(plaid, PlaidIdentityClient.class);
    }

    // ------------------------------------------------------------------ helpers

    static String app() {
        return TestJwt.token("app-backend", "app");
    }

    static String operator() {
        return TestJwt.token("ops", "operator");
    }

    void putProfile(String user) {
        given().auth().oauth2(app()).contentType(ContentType.JSON)
                .body(Map.of("legal_name", NAME, "phone_number", PHONE, "email_address", EMAIL,
                        "address", Map.of("street", STREET, "city", "Malakoff", "region", "NY", "postal_code", "14236", "country", "US")))
                .put("/identity/users/" + user + "/profile").then().statusCode(200);
    }

    EventEnvelope linked(String item, String user, List<String> accounts, List<String> products, List<String> optional) {
        ItemLinked payload = new ItemLinked(item, user, new InstitutionRef("ins_109508", "First Platypus Bank"),
                accounts.stream().map(a -> new LinkedAccount(a, "Checking", "0000", "depository", "checking")).toList(),
                products, List.of(), optional, List.of(), "link-session-" + item, new SealedToken("k1", "c2VhbGVk"), Instant.now());
        return EventEnvelope.wrap(EventTypes.ITEM_LINKED, "link-service", item, payload);
    }

    /** As the outbox relay and webhook-ingest publish: structured CloudEvents with their headers. */
    void send(EventEnvelope env, String topic) {
        kafka.send(topic, env.subject(), env.toJson(), Map.of("ce_id", env.id(), "ce_type", env.type(),
                "ce_specversion", "1.0", "content-type", "application/cloudevents+json"));
    }

    EventEnvelope webhook(String type, String code, String item, String extraJson) {
        String body = "{\"webhook_type\":\"" + type + "\",\"webhook_code\":\"" + code + "\",\"item_id\":\"" + item
                + "\",\"environment\":\"sandbox\"" + (extraJson == null ? "" : "," + extraJson) + "}";
        String id = UUID.randomUUID().toString();
        PlaidWebhookReceived data = new PlaidWebhookReceived(id, type, code, item, item, "sha", Instant.now(), Instant.now(), "kid",
                "sandbox", body);
        return new EventEnvelope(EventEnvelope.SPEC_VERSION, id, PlaidWebhookReceived.eventType(type, code), "webhook-ingest",
                Instant.now(), item, 1, EventJson.mapper().valueToTree(data));
    }

    static JsonNode data(ConsumerRecord<String, String> r) {
        return EventEnvelope.fromJson(r.value()).data();
    }

    static ConsumerRecord<String, String> decisionFor(String item, String account, String outcome) {
        return decisions.await(r -> item.equals(r.key()) && account.equals(data(r).path("account_id").asText())
                && outcome.equals(data(r).path("decision").asText()), WAIT);
    }

    static long count(TopicProbe probe, String key) {
        return probe.records().stream().filter(r -> key.equals(r.key())).count();
    }

    static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void matchPassIsVerifiedAndTheProfileIsSealedAtRest() throws Exception {
        String user = "user-" + id();
        String item = "item-pass-" + id();
        putProfile(user);
        plaid.match.put(item, ids -> new MatchResult(Map.of("acc-1", StubPlaid.scores(100, 95, 100, 90)), "req-pass"));
        send(linked(item, user, List.of("acc-1"), List.of("auth"), List.of("identity")), Topics.ITEMS_EVENTS);

        JsonNode d = data(decisionFor(item, "acc-1", "verified"));
        assertEquals("IDENTITY_MATCH", d.path("method").asText());
        assertEquals(100, d.at("/scores/scores/legal_name/score").asInt());
        assertTrue(d.path("policy_version").asText().startsWith("default-"));
        assertEquals(user, data(decisions.awaitKey(item, WAIT)).path("client_user_id").asText());
        assertEquals(NAME, plaid.lastProfile.legalName(), "the opened profile reaches Identity Match");
        try (Connection c = DriverManager.getConnection(TartanInfraResource.jdbcUrl("identity"), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT ciphertext, key_id FROM identity_profile WHERE client_user_id = '" + user + "'")) {
            assertTrue(rs.next());
            assertFalse(rs.getString(1).contains("Alberta"));
            assertEquals("k1", rs.getString(2));
        } catch (java.sql.SQLException e) {
            // credentials of the test database differ: the sealed-at-rest check is covered by the PII scan below
        }
        given().auth().oauth2(app()).get("/identity/items/" + item + "/decisions").then().statusCode(200)
                .body("[0].decision", org.hamcrest.Matchers.equalTo("verified"));
    }

    @Test
    void matchFailOnOneFieldSendsOneFraudReviewWhateverIsRedelivered() {
        String user = "user-" + id();
        String item = "item-fail-" + id();
        putProfile(user);
        plaid.match.put(item, ids -> new MatchResult(Map.of("acc-1", StubPlaid.scores(100, 20, 100, 95)), "req-fail"));
        EventEnvelope env = linked(item, user, List.of("acc-1"), List.of("auth"), List.of("identity"));
        send(env, Topics.ITEMS_EVENTS);

        JsonNode d = data(decisionFor(item, "acc-1", "failed"));
        assertTrue(d.path("reasons").toString().contains("PHONE_NUMBER_MISMATCH"));
        JsonNode review = data(reviews.awaitKey(user, WAIT));
        assertEquals("IDENTITY_MATCH_FAILED", review.path("reason").asText());
        assertEquals("req-fail", review.at("/evidence/plaid_request_id").asText());
        assertEquals(20, review.at("/evidence/scores/phone_number/score").asInt());
        assertTrue(review.at("/evidence/policy_version").asText().startsWith("default-"));

        // the same record again (inbox), and the same fact under a new event id (decision unchanged)
        send(env, Topics.ITEMS_EVENTS);
        send(linked(item, user, List.of("acc-1"), List.of("auth"), List.of("identity")), Topics.ITEMS_EVENTS);
        sleepFor(Duration.ofSeconds(4));
        assertEquals(1, count(decisions, item), "one decision");
        assertEquals(1, count(reviews, user), "one fraud review");

        // the operator clears it: recorded, a new decision, a fraud outcome
        String reviewId = review.path("review_id").asText();
        given().auth().oauth2(app()).contentType(ContentType.JSON).body(Map.of("outcome", "cleared"))
                .post("/identity/reviews/" + reviewId + "/outcome").then().statusCode(403);
        given().auth().oauth2(operator()).contentType(ContentType.JSON).body(Map.of("outcome", "cleared", "reviewer", "ops-1"))
                .post("/identity/reviews/" + reviewId + "/outcome").then().statusCode(204);
        given().auth().oauth2(operator()).contentType(ContentType.JSON).body(Map.of("outcome", "rejected"))
                .post("/identity/reviews/" + reviewId + "/outcome").then().statusCode(409)
                .body("code", org.hamcrest.Matchers.equalTo("REVIEW_ALREADY_RESOLVED"));
        assertEquals("MANUAL_REVIEW", data(decisionFor(item, "acc-1", "verified")).path("method").asText());
        assertEquals("identity_review_cleared", data(fraudEvents.awaitKey(user, WAIT)).path("status").asText());
    }

    @Test
    void severalOwnersAndAccountsAreDecidedPerAccount() {
        String user = "user-" + id();
        String item = "item-owners-" + id();
        putProfile(user);
        plaid.match.put(item, ids -> new MatchResult(Map.of(
                "acc-a", StubPlaid.scores(100, 100, null, 95),
                "acc-b", StubPlaid.scores(60, null, null, null)), "req-owners"));
        send(linked(item, user, List.of("acc-a", "acc-b"), List.of("auth", "identity"), List.of()), Topics.ITEMS_EVENTS);
        decisionFor(item, "acc-a", "verified");
        JsonNode b = data(decisionFor(item, "acc-b", "needs_review"));
        assertEquals("MANUAL_REVIEW", b.path("next_step").asText());
        sleepFor(Duration.ofSeconds(2));
        assertEquals(0, count(reviews, user), "needs_review is not a failure");
    }

    @Test
    void manualItemUnknownToPlaidIsUnsupportedNotAnError() {
        String user = "user-" + id();
        String item = "item-manual-" + id();
        putProfile(user);
        plaid.matchError.put(item, "PRODUCTS_NOT_SUPPORTED");
        send(linked(item, user, List.of("acc-m"), List.of("auth"), List.of("identity")), Topics.ITEMS_EVENTS);
        JsonNode d = data(decisionFor(item, "acc-m", "unsupported"));
        assertEquals("DOCUMENT_UPLOAD", d.path("next_step").asText());
        sleepFor(Duration.ofSeconds(2));
        assertEquals(1, plaid.matchCalls.get(), "no retry loop");
        assertEquals(0, count(reviews, user));
    }

    @Test
    void identityRefreshAfterDefaultUpdateRematchesOnlyChangedAccounts() {
        String user = "user-" + id();
        String item = "item-refresh-" + id();
        putProfile(user);
        Owner original = new Owner(List.of(NAME), List.of(PHONE), List.of(EMAIL), List.of());
        plaid.owners.put(item, new OwnersResult(Map.of("acc-1", List.of(original), "acc-2", List.of(original)), "req-get-1"));
        plaid.match.put(item, ids -> {
            Map<String, dev.tartan.identity.match.MatchScores> m = new java.util.HashMap<>();
            ids.forEach(i -> m.put(i, StubPlaid.scores(100, 100, 100, null)));
            return new MatchResult(m, "req-m1");
        });
        send(linked(item, user, List.of("acc-1", "acc-2"), List.of("identity"), List.of()), Topics.ITEMS_EVENTS);
        decisionFor(item, "acc-1", "verified");
        decisionFor(item, "acc-2", "verified");

        // the bank now has another owner on acc-2 only
        Owner other = new Owner(List.of("Ray Charles"), List.of(), List.of(), List.of());
        plaid.owners.put(item, new OwnersResult(Map.of("acc-1", List.of(original), "acc-2", List.of(other)), "req-get-2"));
        plaid.match.put(item, ids -> {
            Map<String, dev.tartan.identity.match.MatchScores> m = new java.util.HashMap<>();
            ids.forEach(i -> m.put(i, StubPlaid.scores(20, null, null, null)));
            return new MatchResult(m, "req-m2");
        });
        EventEnvelope update = webhook("IDENTITY", "DEFAULT_UPDATE", item, "\"account_ids_with_updated_identity\":{\"acc-2\":[\"NAMES\"]},\"error\":null");
        send(update, Topics.PLAID_WEBHOOKS_IDENTITY);
        decisionFor(item, "acc-2", "failed");
        data(reviews.awaitKey(user, WAIT));
        // Plaid repeats the webhook (a new delivery): owners unchanged since, nothing new
        send(webhook("IDENTITY", "DEFAULT_UPDATE", item, "\"account_ids_with_updated_identity\":{\"acc-2\":[\"NAMES\"]}"), Topics.PLAID_WEBHOOKS_IDENTITY);
        sleepFor(Duration.ofSeconds(4));
        assertEquals(3, count(decisions, item), "acc-1 verified, acc-2 verified then failed");
        assertEquals(1, count(reviews, user));
    }

    @Test
    void missingIdentityConsentSendsOneConsentCommand() {
        String user = "user-" + id();
        String item = "item-consent-" + id();
        putProfile(user);
        send(linked(item, user, List.of("acc-1"), List.of("identity"), List.of()), Topics.ITEMS_EVENTS);
        send(webhook("IDENTITY", "PRODUCT_PERMISSIONS_REQUIRED", item, null), Topics.PLAID_WEBHOOKS_IDENTITY);
        JsonNode cmd = data(relinks.awaitKey(item, WAIT));
        assertEquals("PRODUCT_CONSENT", cmd.path("mode").asText());
        assertEquals("PRODUCT_PERMISSIONS_REQUIRED", cmd.path("reason").asText());
        assertEquals("identity", cmd.path("products").get(0).asText());
        assertEquals(EventTypes.RELINK_REQUESTED.name(), EventEnvelope.fromJson(relinks.awaitKey(item, WAIT).value()).type());
        JsonNode d = data(decisions.await(r -> item.equals(r.key()) && "IDENTITY_CONSENT".equals(data(r).path("next_step").asText()), WAIT));
        assertEquals("needs_review", d.path("decision").asText());
        send(webhook("IDENTITY", "PRODUCT_PERMISSIONS_REQUIRED", item, null), Topics.PLAID_WEBHOOKS_IDENTITY);
        sleepFor(Duration.ofSeconds(3));
        assertEquals(1, count(relinks, item), "one consent request per Item");

        // on demand for an Item linked without Identity: a consent request too
        String item2 = "item-noid-" + id();
        send(linked(item2, user, List.of("acc-x"), List.of("auth"), List.of()), Topics.ITEMS_EVENTS);
        awaitItem(item2);
        given().auth().oauth2(app()).contentType(ContentType.JSON).body("{}")
                .post("/identity/items/" + item2 + "/verifications").then().statusCode(200)
                .body("[0].next_step", org.hamcrest.Matchers.equalTo("IDENTITY_CONSENT"));
        assertEquals("PRODUCT_CONSENT", data(relinks.awaitKey(item2, WAIT)).path("mode").asText());
    }

    @Test
    void documentUploadPaths() {
        String user = "user-" + id();
        putProfile(user);
        Owner onStatement = new Owner(List.of("Alberta B. Charleson"), List.of(), List.of(),
                List.of(new PostalAddress("2992 Cameron Rd", "Malakoff", "NY", "14236", "US")));
        // account number mismatch
        String mismatch = "item-doc-mm-" + id();
        plaid.matchError.put(mismatch, "PRODUCTS_NOT_SUPPORTED");
        plaid.documents.put(mismatch, new DocumentsResult(Map.of("acc-1", new DocumentResult(
                new DocumentEvidence("doc-1", "BANK_STATEMENT", false, 5, List.of()), List.of(onStatement))), "req-doc-1"));
        // high risk
        String risky = "item-doc-risk-" + id();
        plaid.matchError.put(risky, "PRODUCTS_NOT_SUPPORTED");
        plaid.documents.put(risky, new DocumentsResult(Map.of("acc-1", new DocumentResult(
                new DocumentEvidence("doc-2", "BANK_STATEMENT", true, 100, List.of(
                        new DocumentEvidence.RiskSignal("SOFTWARE_BLACKLIST", true, "Adobe Acrobat", 0))), List.of(onStatement))), "req-doc-2"));
        // clean: the owners on the statement are matched locally
        String clean = "item-doc-ok-" + id();
        plaid.matchError.put(clean, "PRODUCTS_NOT_SUPPORTED");
        plaid.documents.put(clean, new DocumentsResult(Map.of("acc-1", new DocumentResult(
                new DocumentEvidence("doc-3", "BANK_STATEMENT", true, 10, List.of()), List.of(onStatement))), "req-doc-3"));

        for (String item : List.of(mismatch, risky, clean)) {
            send(linked(item, user, List.of("acc-1"), List.of("auth"), List.of("identity")), Topics.ITEMS_EVENTS);
            decisionFor(item, "acc-1", "unsupported");
            send(webhook("IDENTITY", "DOCUMENT_UPDATE_AVAILABLE", item, "\"document_status\":\"OCR_PROCESSING_COMPLETE\""),
                    Topics.PLAID_WEBHOOKS_IDENTITY);
        }
        JsonNode mm = data(decisionFor(mismatch, "acc-1", "failed"));
        assertTrue(mm.path("reasons").toString().contains("DOCUMENT_ACCOUNT_NUMBER_MISMATCH"));
        JsonNode rk = data(decisionFor(risky, "acc-1", "failed"));
        assertEquals("SOFTWARE_BLACKLIST", rk.at("/scores/document/risk_signals/0/type").asText());
        JsonNode ok = data(decisionFor(clean, "acc-1", "verified"));
        assertEquals("DOCUMENT_UPLOAD", ok.path("method").asText());
        assertTrue(ok.at("/scores/scores/legal_name/score").asInt() >= 85, ok.toString());
        List<String> reasons = new ArrayList<>();
        reviews.await(r -> user.equals(r.key()) && "DOCUMENT_HIGH_RISK".equals(data(r).path("reason").asText()), WAIT);
        reviews.await(r -> user.equals(r.key()) && "DOCUMENT_ACCOUNT_NUMBER_MISMATCH".equals(data(r).path("reason").asText()), WAIT);
        JsonNode risk = data(reviews.await(r -> "DOCUMENT_HIGH_RISK".equals(data(r).path("reason").asText()) && user.equals(r.key()), WAIT));
        assertEquals(100, risk.at("/evidence/document/risk_score").asInt());
        assertEquals("req-doc-2", risk.at("/evidence/plaid_request_id").asText());
        assertNotNull(reasons);
    }

    @Test
    void databaseInsightsPassCautionFailAndAuthWebhookRedecisions() {
        String user = "user-" + id();
        putProfile(user);
        String item = "item-di-" + id();
        plaid.auth.put(item, new AuthResult(Map.of(
                "acc-pass", StubPlaid.status("database_insights_pass"),
                "acc-caution", StubPlaid.status("database_insights_pass_with_caution"),
                "acc-fail", StubPlaid.status("database_insights_fail")), "req-auth"));
        plaid.matchError.put(item, "PRODUCTS_NOT_SUPPORTED");
        send(linked(item, user, List.of("acc-pass", "acc-caution", "acc-fail"), List.of("auth"), List.of("identity")), Topics.ITEMS_EVENTS);
        assertEquals("DATABASE_INSIGHTS", data(decisionFor(item, "acc-pass", "verified")).path("method").asText());
        JsonNode caution = data(decisionFor(item, "acc-caution", "needs_review"));
        assertEquals("DOCUMENT_UPLOAD", caution.path("next_step").asText(), "Identity Match unsupported: the statement is the second signal");
        decisionFor(item, "acc-fail", "failed");
        assertEquals("DATABASE_INSIGHTS_FAILED", data(reviews.awaitKey(user, WAIT)).path("reason").asText());

        // caution settled by Identity Match where Plaid supports it
        String item2 = "item-di2-" + id();
        plaid.auth.put(item2, new AuthResult(Map.of("acc-c", StubPlaid.status("database_insights_pass_with_caution")), "req-auth2"));
        plaid.match.put(item2, ids -> new MatchResult(Map.of("acc-c", StubPlaid.scores(95, null, null, null)), "req-m"));
        send(linked(item2, user, List.of("acc-c"), List.of("auth"), List.of("identity")), Topics.ITEMS_EVENTS);
        JsonNode settled = data(decisionFor(item2, "acc-c", "verified"));
        assertTrue(settled.path("reasons").toString().contains("DATABASE_INSIGHTS_PASS_WITH_CAUTION"));

        // micro-deposits: pending at link time, then AUTH webhooks decide
        String md = "item-md-" + id();
        plaid.authError.put(md, "PRODUCT_NOT_READY");
        send(linked(md, user, List.of("acc-md"), List.of("auth"), List.of()), Topics.ITEMS_EVENTS);
        awaitItem(md);
        plaid.authError.remove(md);
        plaid.auth.put(md, new AuthResult(Map.of("acc-md", StubPlaid.status("automatically_verified")), "req-md"));
        send(webhook("AUTH", "AUTOMATICALLY_VERIFIED", md, "\"account_id\":\"acc-md\""), Topics.PLAID_WEBHOOKS_AUTH);
        assertEquals("MICRO_DEPOSITS", data(decisionFor(md, "acc-md", "verified")).path("method").asText());
        plaid.auth.put(md, new AuthResult(Map.of("acc-md", StubPlaid.status("verification_expired")), "req-md2"));
        send(webhook("AUTH", "VERIFICATION_EXPIRED", md, "\"account_id\":\"acc-md\""), Topics.PLAID_WEBHOOKS_AUTH);
        decisionFor(md, "acc-md", "failed");
        // DEFAULT_UPDATE without changed numbers: nothing to re-decide
        send(webhook("AUTH", "DEFAULT_UPDATE", md, "\"account_ids_with_new_auth\":[],\"account_ids_with_updated_auth\":{}"), Topics.PLAID_WEBHOOKS_AUTH);
        sleepFor(Duration.ofSeconds(3));
        assertEquals(2, count(decisions, md));
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheConsumerMovesOn() {
        String key = "poison-" + id();
        try (TopicProbe dlq = kafka.watch(Topics.ITEMS_EVENTS + Topics.DEAD_LETTER_SUFFIX);
             TopicProbe webhookDlq = kafka.watch(Topics.PLAID_WEBHOOKS_IDENTITY + Topics.DEAD_LETTER_SUFFIX)) {
            kafka.send(Topics.ITEMS_EVENTS, key, "this is not an envelope");
            kafka.send(Topics.PLAID_WEBHOOKS_IDENTITY, key, "{\"also\": \"not an envelope\"}");
            dlq.await(r -> key.equals(r.key()), WAIT);
            webhookDlq.await(r -> key.equals(r.key()), WAIT);
        }
        // the channel still works after the poison record
        String user = "user-" + id();
        String item = "item-after-poison-" + id();
        putProfile(user);
        plaid.match.put(item, ids -> new MatchResult(Map.of("acc-1", StubPlaid.scores(100, null, null, null)), "req"));
        send(linked(item, user, List.of("acc-1"), List.of("identity"), List.of()), Topics.ITEMS_EVENTS);
        decisionFor(item, "acc-1", "verified");
    }

    @Test
    void removalDeletesTheProfileAndALateLinkedIsIgnored() {
        String user = "user-" + id();
        String item = "item-rm-" + id();
        putProfile(user);
        send(EventEnvelope.wrap(EventTypes.ITEM_REMOVED, "item-service", item,
                new ItemRemoved(item, user, "USER_REQUEST", null, Instant.now())), Topics.ITEMS_EVENTS);
        awaitItem(item);
        plaid.match.put(item, ids -> new MatchResult(Map.of("acc-1", StubPlaid.scores(100, 100, 100, 100)), "req"));
        send(linked(item, user, List.of("acc-1"), List.of("identity"), List.of()), Topics.ITEMS_EVENTS);
        sleepFor(Duration.ofSeconds(3));
        assertEquals(0, count(decisions, item), "item.linked after item.removed changes nothing");
        given().auth().oauth2(app()).delete("/identity/users/" + user + "/profile").then().statusCode(404);
        given().auth().oauth2(app()).contentType(ContentType.JSON).body("{}")
                .post("/identity/items/" + item + "/verifications").then().statusCode(404);
        given().auth().oauth2(app()).get("/identity/items/" + item).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("REMOVED"));
    }

    @Test
    void zzNoProfileDataInAnyEventOrLogLine() {
        String user = "user-" + id();
        String item = "item-pii-" + id();
        putProfile(user);
        plaid.match.put(item, ids -> new MatchResult(Map.of("acc-1", StubPlaid.scores(10, 10, 10, 10)), "req-pii"));
        send(linked(item, user, List.of("acc-1"), List.of("identity"), List.of()), Topics.ITEMS_EVENTS);
        decisionFor(item, "acc-1", "failed");
        reviews.awaitKey(user, WAIT);
        List<String> everything = new ArrayList<>();
        for (TopicProbe p : List.of(decisions, reviews, relinks, fraudEvents)) {
            p.records().forEach(r -> everything.add(r.topic() + ": " + r.value()));
        }
        everything.addAll(LOG_LINES);
        assertFalse(LOG_LINES.isEmpty(), "log capture works");
        for (String secret : List.of(NAME, "Charleson", PHONE, "111-222-3333", "1112223333", EMAIL, STREET, "Cameron")) {
            for (String line : everything) {
                assertFalse(line.contains(secret), "'" + secret + "' leaked in: " + line);
            }
        }
    }

    /** Waits until identity-service holds the Item (registered or tombstoned). */
    void awaitItem(String item) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (given().auth().oauth2(app()).get("/identity/items/" + item).then().extract().statusCode() == 200) {
                return;
            }
            sleepFor(Duration.ofMillis(200));
        }
        throw new AssertionError("identity-service never registered " + item);
    }

    static void sleepFor(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
