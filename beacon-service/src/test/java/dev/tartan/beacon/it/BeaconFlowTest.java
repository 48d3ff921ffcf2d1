package dev.tartan.beacon.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.plaid.client.model.Products;
import com.plaid.client.model.SandboxPublicTokenCreateRequest;
import dev.tartan.beacon.user.UserData;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
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
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Beacon guide's sandbox script on the real broker, the real PostgreSQL and the emulator through plaid-java:
 * Leslie Knope → hits → pending_review → one fraud-review command; a fresh random user → cleared; first-party report
 * then re-screen → rejected → fraud event and removal request; review rules refused; syndication and duplicate
 * webhooks fetched into evidence; redelivered and reordered webhooks cause nothing new; poison to the DLQ; Account
 * Insights; and, last, a scan of logs and events for the generated PII.
 */
@QuarkusTest
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "beacon"))
@WithTestResource(PlaidEmulatorResource.class)
@TestProfile(BeaconOnProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BeaconFlowTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration QUIET = Duration.ofSeconds(4);

    static KafkaTestClient kafka;
    static EmulatorClient emulator;
    static WebhookRelay relay;
    static TopicProbe reviews;
    static TopicProbe fraud;
    static TopicProbe removals;
    static TopicProbe dlq;

    @Inject
    PlaidGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        kafka = new KafkaTestClient(TartanInfraResource.kafkaBootstrapServers());
        emulator = PlaidEmulatorResource.client();
        relay = new WebhookRelay(emulator, kafka);
        reviews = kafka.watch(Topics.COMMANDS_FRAUD_REVIEW);
        fraud = kafka.watch(Topics.FRAUD_EVENTS);
        removals = kafka.watch(Topics.COMMANDS_CHURN_REMOVAL);
        dlq = kafka.watch(Topics.PLAID_WEBHOOKS_BEACON + Topics.DEAD_LETTER_SUFFIX);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {reviews, fraud, removals, dlq, relay, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing test clients
            }
        }
    }

    @Test
    @Order(1)
    void leslieKnopeGoesToReviewOnceWithSyndicationEvidenceAndReviewRulesHold() {
        String client = RandomUsers.clientUserId();
        UserData leslie = RandomUsers.random("Leslie", "Knope");
        JsonNode created = createUser(client, leslie).statusCode(201).body("status", equalTo("pending_review")).extract().as(JsonNode.class);
        String beaconUserId = created.get("beacon_user_id").asText();

        ConsumerRecord<String, String> cmd = reviews.await(key(client, EventTypes.FRAUD_REVIEW_REQUESTED.name()), WAIT);
        JsonNode data = EventEnvelope.fromJson(cmd.value()).data();
        assertEquals("BEACON_PENDING_REVIEW", data.get("reason").asText());
        assertEquals(beaconUserId, data.get("beacon_user_id").asText());
        assertEquals("beacon-service", data.get("source").asText());
        String reviewId = data.get("review_id").asText();

        // the syndication Beacon found: delivered twice (Plaid retries) and once more with the same delivery id
        String syndication = relay.await("REPORT_SYNDICATION_CREATED", n -> true, WAIT);
        String delivery = relay.publish(syndication, null);
        relay.publish(syndication, null);
        relay.publish(syndication, delivery);
        // and a status webhook, twice
        relay.publish(WebhookRelay.userStatusUpdated(beaconUserId), null);
        relay.publish(WebhookRelay.userStatusUpdated(beaconUserId), null);

        JsonNode view = awaitUser(client, v -> v.at("/review_episodes/0/evidence/syndications").size() == 1);
        JsonNode episode = view.at("/review_episodes/0");
        assertEquals(reviewId, episode.get("review_id").asText());
        JsonNode syn = episode.at("/evidence/syndications/0");
        assertEquals("stolen", syn.get("report_type").asText());
        assertEquals("match", syn.at("/analysis/name").asText());
        assertTrue(episode.at("/evidence/hits").size() >= 1);
        assertEquals(1, view.get("status_history").size());
        assertNoMoreFor(reviews, client, EventTypes.FRAUD_REVIEW_REQUESTED.name(), 1);

        // review rules: no report on the user, so it cannot be rejected
        review(client, "rejected").statusCode(409).body("code", equalTo("REVIEW_RULE_REJECT_REQUIRES_REPORT"));
        review(client, "pending_review").statusCode(409).body("code", equalTo("REVIEW_DECISION_INVALID"));
        given().auth().oauth2(TestJwt.token("app-backend", "app")).contentType(ContentType.JSON).body(Map.of("status", "cleared"))
                .post("/beacon/users/{id}/review", client).then().statusCode(403);
        // cleared is allowed: the episode closes and a fraud event says so
        review(client, "cleared").statusCode(200).body("status", equalTo("cleared"));
        ConsumerRecord<String, String> cleared = fraud.await(key(client, EventTypes.FRAUD_USER_CLEARED.name()), WAIT);
        JsonNode outcome = EventEnvelope.fromJson(cleared.value()).data();
        assertEquals("pending_review", outcome.get("previous_status").asText());

        // a late copy of the old syndication webhook and a late status webhook: Plaid says cleared now, nothing moves
        relay.publish(syndication, null);
        relay.publish(WebhookRelay.userStatusUpdated(beaconUserId), null);
        assertNoMoreFor(reviews, client, EventTypes.FRAUD_REVIEW_REQUESTED.name(), 1);
        JsonNode after = getUser(client, "operator");
        assertEquals("cleared", after.get("status").asText());
        assertEquals(List.of("pending_review", "cleared"), statuses(after));
        assertFalse(after.at("/review_episodes/0/closed_at").isMissingNode() || after.at("/review_episodes/0/closed_at").isNull());
        // review of a user no longer pending
        review(client, "rejected").statusCode(409).body("code", equalTo("REVIEW_RULE_NOT_PENDING_REVIEW"));
        assertNoMoreFor(fraud, client, EventTypes.FRAUD_USER_CLEARED.name(), 1);
    }

    @Test
    @Order(2)
    void freshRandomUserIsCleared() {
        String client = RandomUsers.clientUserId();
        createUser(client, RandomUsers.random()).statusCode(201).body("status", equalTo("cleared"))
                .body("client_user_id", equalTo(client)).body("status_history[0].cause", equalTo("api_create"));
        fraud.await(key(client, EventTypes.FRAUD_USER_CLEARED.name()), WAIT);
        // the same end user again is refused, not duplicated at Plaid
        createUser(client, RandomUsers.random()).statusCode(409).body("code", equalTo("BEACON_USER_EXISTS"));
        assertNoMoreFor(reviews, client, EventTypes.FRAUD_REVIEW_REQUESTED.name(), 0);
    }

    @Test
    @Order(3)
    void firstPartyReportThenReScreenRejectsAndRequestsRemovalOfTheUsersItems() {
        String client = RandomUsers.clientUserId();
        String beaconUserId = createUser(client, RandomUsers.random()).statusCode(201).body("status", equalTo("cleared"))
                .extract().path("beacon_user_id");
        // an Item of this user, known from item.linked (no beacon product: no Account Insights)
        String itemId = "item-" + client;
        kafka.send(Topics.ITEMS_EVENTS, itemId, EventEnvelope.wrap(EventTypes.ITEM_LINKED, "link-service", itemId,
                new ItemLinked(itemId, client, new InstitutionRef("ins_109508", "First Platypus Bank"), List.of(), List.of("auth"),
                        null, null, null, "ls-1", null, Instant.now())).toJson());

        // validated before Plaid sees it
        report(client, Map.of("type", "chargeback", "fraud_date", LocalDate.now().toString())).statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"));
        report(client, Map.of("type", "first_party", "fraud_date", LocalDate.now().plusDays(2).toString())).statusCode(400);
        report(client, Map.of("type", "first_party", "fraud_date", LocalDate.now().minusDays(10).toString(),
                "fraud_amount", Map.of("value", 12.345, "iso_currency_code", "USD"))).statusCode(400);
        report(client, Map.of("type", "first_party", "fraud_date", LocalDate.now().minusDays(10).toString(),
                "fraud_amount", Map.of("value", 125.50, "iso_currency_code", "USD"))).statusCode(201)
                .body("reports[0].type", equalTo("first_party")).body("reports[0].fraud_amount", equalTo(125.5f));
        String reportCreated = relay.await("REPORT_CREATED", n -> true, WAIT);
        relay.publish(reportCreated, null);

        awaitUser(client, v -> v.get("item_ids").size() == 1);
        // re-screen: an update with new data
        given().auth().oauth2(TestJwt.token("app-backend", "app")).contentType(ContentType.JSON)
                .body(Map.of("user", Map.of("email_address", "changed" + RandomUsers.clientUserId() + "@example.com")))
                .put("/beacon/users/{id}", client).then().statusCode(200).body("status", equalTo("rejected"));

        JsonNode rejected = EventEnvelope.fromJson(fraud.await(key(client, EventTypes.FRAUD_USER_REJECTED.name()), WAIT).value()).data();
        assertEquals("cleared", rejected.get("previous_status").asText());
        assertEquals(List.of(itemId), EventJson.mapper().convertValue(rejected.get("item_ids"), List.class));
        ConsumerRecord<String, String> removal = removals.await(key(client, EventTypes.USER_ITEMS_REMOVAL_REQUESTED.name()), WAIT);
        JsonNode cmd = EventEnvelope.fromJson(removal.value()).data();
        assertEquals(client, cmd.get("client_user_id").asText());
        assertEquals("FRAUD_FIRST_PARTY", cmd.get("reason").asText());
        assertEquals("beacon-service", cmd.get("requested_by").asText());

        // Plaid's own USER_STATUS_UPDATED for the change arrives later, twice: no second event or removal
        String statusHook = relay.await("USER_STATUS_UPDATED", n -> beaconUserId.equals(n.path("beacon_user_id").asText()), WAIT);
        relay.publish(statusHook, null);
        relay.publish(statusHook, null);
        assertNoMoreFor(fraud, client, EventTypes.FRAUD_USER_REJECTED.name(), 1);
        assertNoMoreFor(removals, client, EventTypes.USER_ITEMS_REMOVAL_REQUESTED.name(), 1);
        assertEquals(List.of("cleared", "rejected"), statuses(getUser(client, "operator")));
    }

    @Test
    @Order(4)
    void duplicateIsFetchedIntoTheReviewEvidence() {
        String first = RandomUsers.clientUserId();
        UserData original = RandomUsers.random();
        createUser(first, original).statusCode(201).body("status", equalTo("cleared"));
        String second = RandomUsers.clientUserId();
        UserData other = RandomUsers.random();
        UserData sameEmail = new UserData(other.name(), other.dateOfBirth(), other.address(), original.emailAddress(),
                other.phoneNumber(), other.idNumber(), other.ipAddress(), null);
        String secondId = createUser(second, sameEmail).statusCode(201).body("status", equalTo("pending_review"))
                .extract().path("beacon_user_id");
        reviews.await(key(second, EventTypes.FRAUD_REVIEW_REQUESTED.name()), WAIT);

        String dup = relay.await("DUPLICATE_DETECTED", n -> true, WAIT);
        relay.publish(dup, null);
        relay.publish(dup, null);
        JsonNode view = awaitUser(second, v -> v.at("/review_episodes/0/evidence/duplicates").size() == 1);
        JsonNode d = view.at("/review_episodes/0/evidence/duplicates/0");
        assertEquals("match", d.at("/analysis/email_address").asText());
        assertFalse(d.get("other_beacon_user_id").asText().equals(secondId));
        assertNoMoreFor(reviews, second, EventTypes.FRAUD_REVIEW_REQUESTED.name(), 1);
        assertNoMoreFor(reviews, first, EventTypes.FRAUD_REVIEW_REQUESTED.name(), 0);
    }

    @Test
    @Order(5)
    void poisonWebhookGoesToTheDeadLetterTopic() {
        kafka.send(Topics.PLAID_WEBHOOKS_BEACON, "poison", "this is not an envelope");
        dlq.awaitKey("poison", WAIT);
        // and the channel keeps going
        String client = RandomUsers.clientUserId();
        String id = createUser(client, RandomUsers.random()).statusCode(201).extract().path("beacon_user_id");
        relay.publish(WebhookRelay.userStatusUpdated(id), null);
        fraud.await(key(client, EventTypes.FRAUD_USER_CLEARED.name()), WAIT);
    }

    @Test
    @Order(6)
    void linkedItemWithBeaconIsAssociatedAndItsInsightsRaiseAReview() {
        String client = RandomUsers.clientUserId();
        String beaconUserId = createUser(client, RandomUsers.random()).statusCode(201).extract().path("beacon_user_id");
        String publicToken = gateway.call(PlaidEndpoint.SANDBOX_PUBLIC_TOKEN_CREATE, PlaidCallContext.user(client),
                        api -> api.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest().institutionId("ins_109508")
                                .initialProducts(List.of(Products.AUTH))))
                .await().atMost(WAIT).getPublicToken();
        ExchangedItem item = gateway.exchangePublicToken(publicToken, PlaidCallContext.user(client)).await().atMost(WAIT);
        SealedToken token = item.accessToken();
        kafka.send(Topics.ITEMS_EVENTS, item.itemId(), EventEnvelope.wrap(EventTypes.ITEM_LINKED, "link-service", item.itemId(),
                new ItemLinked(item.itemId(), client, new InstitutionRef("ins_109508", "First Platypus Bank"), List.of(),
                        List.of("auth", "beacon"), null, null, null, "ls-2", token, Instant.now())).toJson());

        JsonNode data = EventEnvelope.fromJson(reviews.await(key(client, EventTypes.FRAUD_REVIEW_REQUESTED.name()), WAIT).value()).data();
        assertEquals("BEACON_ACCOUNT_INSIGHTS", data.get("reason").asText());
        assertEquals(List.of(item.itemId()), EventJson.mapper().convertValue(data.get("item_ids"), List.class));
        assertEquals(beaconUserId, data.get("beacon_user_id").asText());
        assertEquals("NEW_ACCOUNT", data.at("/evidence/signals/0/rule").asText());
        JsonNode view = awaitUser(client, v -> v.get("item_ids").size() == 1);
        assertEquals(item.itemId(), view.at("/item_ids/0").asText());
        assertFalse(data.toString().contains(item.accessToken().ciphertext()));
    }

    @Test
    @Order(7)
    void apiRefusals() {
        given().contentType(ContentType.JSON).body("{}").post("/beacon/users").then().statusCode(401);
        given().auth().oauth2(TestJwt.token("ops", "operator")).contentType(ContentType.JSON).body("{}").post("/beacon/users").then().statusCode(403);
        createUser(RandomUsers.clientUserId(), new UserData(new UserData.Name("A", "B"), null, null, "bad", null, null, null, null))
                .statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        given().auth().oauth2(TestJwt.token("ops", "operator")).get("/beacon/users/{id}", "nobody").then().statusCode(404)
                .body("code", equalTo("BEACON_USER_NOT_FOUND"));
        // the operator sees status and history, not the user's data; the app sees the data
        String client = RandomUsers.clientUserId();
        UserData d = RandomUsers.random();
        createUser(client, d).statusCode(201);
        assertTrue(getUser(client, "operator").path("user").isMissingNode());
        assertEquals(d.emailAddress(), getUser(client, "app").at("/user/email_address").asText());
    }

    @Test
    @Order(100)
    void noGeneratedPiiInLogsOrEvents() throws Exception {
        List<String> texts = new ArrayList<>();
        for (TopicProbe p : List.of(reviews, fraud, removals, dlq)) {
            p.records().forEach(r -> texts.add(r.value()));
        }
        assertFalse(texts.isEmpty());
        Path log = Path.of(BeaconOnProfile.LOG_FILE);
        assertTrue(Files.exists(log), "the test log file exists");
        String logText = Files.readString(log);
        assertTrue(logText.contains("beacon_user_id="), "the log has Beacon lines to scan");
        assertFalse(RandomUsers.GENERATED.isEmpty());
        for (String pii : RandomUsers.GENERATED) {
            assertFalse(logText.contains(pii), "log contains generated PII");
            for (String t : texts) {
                assertFalse(t.contains(pii), "an event contains generated PII");
            }
        }
    }

    // ---- helpers ----

    static ValidatableResponse createUser(String client, UserData data) {
        return given().auth().oauth2(TestJwt.token("app-backend", "app")).contentType(ContentType.JSON)
                .body(Map.of("client_user_id", client, "user", data)).post("/beacon/users").then();
    }

    static ValidatableResponse review(String client, String status) {
        return given().auth().oauth2(TestJwt.token("fraud-analyst", "operator")).contentType(ContentType.JSON)
                .body(Map.of("status", status)).post("/beacon/users/{id}/review", client).then();
    }

    static ValidatableResponse report(String client, Map<String, Object> body) {
        return given().auth().oauth2(TestJwt.token("fraud-analyst", "operator")).contentType(ContentType.JSON)
                .body(body).post("/beacon/users/{id}/reports", client).then();
    }

    static JsonNode getUser(String client, String role) {
        return given().auth().oauth2(TestJwt.token("someone", role)).get("/beacon/users/{id}", client).then().statusCode(200)
                .extract().as(JsonNode.class);
    }

    static JsonNode awaitUser(String client, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode v = null;
        while (System.nanoTime() < deadline) {
            v = getUser(client, "operator");
            if (condition.test(v)) {
                return v;
            }
            sleep(250);
        }
        throw new AssertionError("condition not met within " + WAIT + "; last view " + v);
    }

    static List<String> statuses(JsonNode view) {
        List<String> out = new ArrayList<>();
        view.get("status_history").forEach(h -> out.add(h.get("status").asText()));
        return out;
    }

    static Predicate<ConsumerRecord<String, String>> key(String key, String type) {
        return r -> key.equals(r.key()) && type.equals(TopicProbe.header(r, "ce_type"));
    }

    /** After a quiet window, exactly {@code expected} records of this key and type have arrived. */
    static void assertNoMoreFor(TopicProbe probe, String key, String type, int expected) {
        sleep(QUIET.toMillis());
        long n = probe.records().stream().filter(key(key, type)).count();
        assertEquals(expected, n, "records of " + type + " for " + key + " on " + probe.topic());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
