package dev.tartan.item.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventHeaders;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.testsupport.KafkaTestClient;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.tartan.item.it.Fixtures.*;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The wiring on the real broker and database: item.linked and ITEM webhooks published to Kafka drive the
 * registry, the state machine and the outbox; redelivery and repeats emit nothing twice; a poison record goes
 * to the dead-letter topic and the consumer goes on.
 */
@QuarkusTest
@TestProfile(OfflinePlaidProfile.class)
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "item"))
class ItemWebhookFlowTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration QUIET = Duration.ofSeconds(3);
    static KafkaTestClient kafka;
    static TopicProbe items;
    static TopicProbe relink;
    static TopicProbe dlq;

    @BeforeAll
    static void probes() {
        kafka = new KafkaTestClient();
        items = kafka.watch(Topics.ITEMS_EVENTS);
        relink = kafka.watch(Topics.COMMANDS_RELINK);
        dlq = kafka.watch(Topics.PLAID_WEBHOOKS_ITEM + Topics.DEAD_LETTER_SUFFIX);
    }

    @AfterAll
    static void close() {
        items.close();
        relink.close();
        dlq.close();
        kafka.close();
    }

    void publish(String topic, EventEnvelope e) {
        kafka.send(topic, e.subject(), e.toJson());
    }

    String link(String userId) {
        String itemId = itemId();
        publish(Topics.ITEMS_EVENTS, linked(itemId, userId));
        awaitItem(itemId, i -> "HEALTHY".equals(i.path("status").asText()));
        return itemId;
    }

    JsonNode awaitItem(String itemId, Predicate<JsonNode> condition) {
        return Fixtures.awaitItem(itemId, WAIT, condition);
    }

    @Test
    void loginRequiredAsksForRelinkOnceAndLoginRepairedResolvesIt() {
        String itemId = link("user-a");
        EventEnvelope error = webhook(itemId, "ERROR", loginRequiredError());
        publish(Topics.PLAID_WEBHOOKS_ITEM, error);

        EventEnvelope requested = awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT).get(0);
        JsonNode r = requested.data();
        assertEquals("LOGIN", r.path("mode").asText());
        assertEquals("ITEM_LOGIN_REQUIRED", r.path("reason").asText());
        assertEquals("ITEM_LOGIN_REQUIRED", r.path("error_code").asText());
        assertEquals("user-a", r.path("client_user_id").asText());
        assertEquals("ins_109508", r.path("institution").path("institution_id").asText());
        EventEnvelope changed = awaitEvents(items, itemId, EventTypes.ITEM_STATUS_CHANGED.name(), 1, WAIT).get(0);
        assertEquals("HEALTHY", changed.data().path("previous_status").asText());
        assertEquals("LOGIN_REQUIRED", changed.data().path("status").asText());
        JsonNode state = awaitItem(itemId, i -> "LOGIN_REQUIRED".equals(i.path("status").asText()));
        assertEquals("ITEM_LOGIN_REQUIRED", state.path("error").path("error_code").asText());
        assertEquals(requested.data().path("relink_id").asText(), state.path("pending_relink").path("relink_id").asText());

        // the same record redelivered (inbox) and an identical new delivery (state): nothing new
        publish(Topics.PLAID_WEBHOOKS_ITEM, error);
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "ERROR", loginRequiredError()));
        assertExactly(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, QUIET);
        assertExactly(items, itemId, EventTypes.ITEM_STATUS_CHANGED.name(), 1, Duration.ZERO);

        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "LOGIN_REPAIRED", null));
        EventEnvelope resolved = awaitEvents(relink, itemId, EventTypes.RELINK_RESOLVED.name(), 1, WAIT).get(0);
        assertEquals("LOGIN_REPAIRED", resolved.data().path("resolved_by").asText());
        assertEquals(requested.data().path("relink_id").asText(), resolved.data().path("relink_id").asText());
        awaitItem(itemId, i -> "HEALTHY".equals(i.path("status").asText())
                && (i.path("pending_relink").isMissingNode() || i.path("pending_relink").isNull()));

        // a late ERROR right after the repair contradicts what is known: checked with Plaid, not applied
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "ERROR", loginRequiredError()));
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "LOGIN_REPAIRED", null));
        assertExactly(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, QUIET);
        assertEquals("HEALTHY", item(itemId).path("status").asText());
    }

    /**
     * The batch path: a burst lands in few polls, so several webhooks of one Item, a repeated record and a poison
     * record share a transaction. Per Item: applied in order (ERROR then LOGIN_REPAIRED ends HEALTHY), one request and
     * one resolution, the repeat skipped; the poison record alone goes to the dead-letter topic.
     */
    @Test
    void aBurstIsAppliedInBatchesInOrderWithNoDuplicateAndOnlyThePoisonDeadLettered() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(link("user-burst-" + i));
        }
        String poisonKey = "burst-poison-" + java.util.UUID.randomUUID();
        // one producer with a long linger: the whole burst goes out in one request and comes back in one or two polls
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TartanInfraResource.kafkaBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 500, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (String itemId : ids) {
                EventEnvelope error = webhook(itemId, "ERROR", loginRequiredError());
                producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId, error.toJson()));
                producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId, error.toJson())); // redelivered
                producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId, webhook(itemId, "LOGIN_REPAIRED", null).toJson()));
            }
            producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, poisonKey, "{not an envelope"));
            producer.flush();
        }
        for (String itemId : ids) {
            awaitEvents(relink, itemId, EventTypes.RELINK_RESOLVED.name(), 1, WAIT);
            awaitItem(itemId, i -> "HEALTHY".equals(i.path("status").asText()));
        }
        for (String itemId : ids) {
            assertExactly(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, Duration.ZERO);
            assertExactly(relink, itemId, EventTypes.RELINK_RESOLVED.name(), 1, Duration.ZERO);
            assertExactly(items, itemId, EventTypes.ITEM_STATUS_CHANGED.name(), 2, Duration.ZERO);
        }
        dlq.awaitKey(poisonKey, WAIT);
        for (String itemId : ids) {
            assertTrue(dlq.records().stream().noneMatch(r -> itemId.equals(r.key())), "only the poison record is dead-lettered");
        }
        // the inbox rows of one transaction share its start time: some transaction applied many webhooks at once
        try (java.sql.Connection c = dev.tartan.testsupport.TartanInfra.get().connect(TartanInfraResource.databaseName("item"));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT max(n) FROM (SELECT count(*) AS n FROM inbox_message "
                     + "WHERE consumer = 'item-service.webhooks' GROUP BY processed_at) AS t")) {
            rs.next();
            assertTrue(rs.getLong(1) > 10, "expected batches of many webhooks, largest was " + rs.getLong(1));
        }
    }

    /**
     * Traces through the batch path: webhooks of different traces applied in one transaction each cause a command
     * that carries its own record's trace id, not one shared by the batch.
     */
    @Test
    void eachCommandOfABatchCarriesTheTraceparentOfTheWebhookThatCausedIt() {
        Map<String, String> traceparents = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            String traceId = java.util.UUID.randomUUID().toString().replace("-", "");
            traceparents.put(link("user-trace-" + i), "00-" + traceId + "-00f067aa0ba902b" + i + "-01");
        }
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TartanInfraResource.kafkaBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 500, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            traceparents.forEach((itemId, traceparent) -> {
                ProducerRecord<String, String> r = new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId,
                        webhook(itemId, "ERROR", loginRequiredError()).toJson());
                r.headers().add(EventHeaders.TRACEPARENT, traceparent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                producer.send(r);
            });
            producer.flush();
        }
        traceparents.forEach((itemId, traceparent) -> {
            awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT);
            var record = relink.records().stream().filter(r -> itemId.equals(r.key()))
                    .filter(r -> EventTypes.RELINK_REQUESTED.name().equals(TopicProbe.header(r, EventHeaders.TYPE)))
                    .findFirst().orElseThrow();
            String relayed = TopicProbe.header(record, EventHeaders.TRACEPARENT);
            assertNotNull(relayed, itemId);
            // same trace; the parent is the consumer's span for that record (or the record's own when no span is made)
            assertEquals(traceparent.split("-")[1], relayed.split("-")[1], itemId + ": " + relayed);
        });
    }

    @Test
    void warningsAndRevocationsDriveTheirTransitions() {
        String expiring = link("user-b");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(expiring, "PENDING_EXPIRATION", "\"consent_expiration_time\":\"2030-01-08T00:00:00Z\""));
        EventEnvelope r = awaitEvents(relink, expiring, EventTypes.RELINK_REQUESTED.name(), 1, WAIT).get(0);
        assertEquals("PENDING_EXPIRATION", r.data().path("reason").asText());
        assertEquals("2030-01-08T00:00:00Z", r.data().path("deadline").asText());
        assertEquals("PENDING_EXPIRATION", awaitItem(expiring, i -> i.path("consent_expires_at").isTextual()).path("status").asText());

        String disconnecting = link("user-b");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(disconnecting, "PENDING_DISCONNECT",
                "\"reason\":\"INSTITUTION_MIGRATION\",\"disconnect_time\":\"2030-01-15T13:25:17.766Z\""));
        r = awaitEvents(relink, disconnecting, EventTypes.RELINK_REQUESTED.name(), 1, WAIT).get(0);
        assertEquals("PENDING_DISCONNECT", r.data().path("reason").asText());
        assertEquals("INSTITUTION_MIGRATION", awaitItem(disconnecting, i -> "PENDING_DISCONNECT".equals(i.path("status").asText()))
                .path("pending_disconnect_reason").asText());

        String newAccounts = link("user-b");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(newAccounts, "NEW_ACCOUNTS_AVAILABLE", null));
        r = awaitEvents(relink, newAccounts, EventTypes.RELINK_REQUESTED.name(), 1, WAIT).get(0);
        assertEquals("ACCOUNT_SELECTION", r.data().path("mode").asText());
        assertEquals("NEW_ACCOUNTS_AVAILABLE", r.data().path("reason").asText());
        // the user selects accounts in update mode: resolved, accounts changed
        List<LinkedAccount> selected = List.of(new LinkedAccount("acc-1-" + newAccounts, "Checking", "0000", "depository", "checking"),
                new LinkedAccount("acc-3-" + newAccounts, "Brokerage", "2222", "investment", "brokerage"));
        publish(Topics.LINK_SESSIONS, updateCompleted(newAccounts, "user-b", UpdateMode.ACCOUNT_SELECTION, selected));
        assertEquals("UPDATE_MODE", awaitEvents(relink, newAccounts, EventTypes.RELINK_RESOLVED.name(), 1, WAIT).get(0)
                .data().path("resolved_by").asText());
        JsonNode changed = awaitEvents(items, newAccounts, EventTypes.ITEM_ACCOUNTS_CHANGED.name(), 1, WAIT).get(0).data();
        assertEquals("acc-3-" + newAccounts, changed.path("added").get(0).path("account_id").asText());
        assertEquals("acc-2-" + newAccounts, changed.path("revoked_account_ids").get(0).asText());

        String revoked = link("user-b");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(revoked, "USER_PERMISSION_REVOKED",
                "\"error\":{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"USER_PERMISSION_REVOKED\",\"error_message\":\"revoked\",\"display_message\":null,\"status\":400}"));
        assertEquals("USER_PERMISSION_REVOKED", awaitEvents(relink, revoked, EventTypes.RELINK_REQUESTED.name(), 1, WAIT).get(0)
                .data().path("reason").asText());
        awaitItem(revoked, i -> "REVOKED".equals(i.path("status").asText()));

        String accountRevoked = link("user-b");
        EventEnvelope accountWebhook = webhook(accountRevoked, "USER_ACCOUNT_REVOKED", "\"account_id\":\"acc-2-" + accountRevoked + "\"");
        publish(Topics.PLAID_WEBHOOKS_ITEM, accountWebhook);
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(accountRevoked, "USER_ACCOUNT_REVOKED", "\"account_id\":\"acc-2-" + accountRevoked + "\""));
        JsonNode ac = awaitEvents(items, accountRevoked, EventTypes.ITEM_ACCOUNTS_CHANGED.name(), 1, WAIT).get(0).data();
        assertEquals("acc-2-" + accountRevoked, ac.path("revoked_account_ids").get(0).asText());
        assertExactly(items, accountRevoked, EventTypes.ITEM_ACCOUNTS_CHANGED.name(), 1, QUIET);
        assertEquals("HEALTHY", item(accountRevoked).path("status").asText());

        String acknowledged = link("user-b");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(acknowledged, "WEBHOOK_UPDATE_ACKNOWLEDGED", "\"new_webhook_url\":\"https://hooks.tartan.dev/plaid\""));
        awaitItem(acknowledged, i -> "WEBHOOK_UPDATE_ACKNOWLEDGED".equals(i.path("last_webhook_code").asText()));
        assertExactly(items, acknowledged, null, 0, Duration.ZERO);
        assertExactly(relink, acknowledged, null, 0, Duration.ZERO);

        String institutionDown = link("user-b");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(institutionDown, "ERROR",
                "\"error\":{\"error_type\":\"INSTITUTION_ERROR\",\"error_code\":\"INSTITUTION_DOWN\",\"error_message\":\"down\",\"display_message\":null,\"status\":400}"));
        assertEquals("ERROR", awaitEvents(items, institutionDown, EventTypes.ITEM_STATUS_CHANGED.name(), 1, WAIT).get(0)
                .data().path("status").asText());
        assertExactly(relink, institutionDown, null, 0, QUIET);
    }

    @Test
    void updateModeCompletionResolvesALoginRelink() {
        String itemId = link("user-c");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "ERROR", loginRequiredError()));
        awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT);
        EventEnvelope done = updateCompleted(itemId, "user-c", UpdateMode.LOGIN, null);
        publish(Topics.LINK_SESSIONS, done);
        publish(Topics.LINK_SESSIONS, done);
        assertEquals("UPDATE_MODE", awaitEvents(relink, itemId, EventTypes.RELINK_RESOLVED.name(), 1, WAIT).get(0)
                .data().path("resolved_by").asText());
        assertExactly(relink, itemId, EventTypes.RELINK_RESOLVED.name(), 1, QUIET);
        awaitItem(itemId, i -> "HEALTHY".equals(i.path("status").asText()));
    }

    @Test
    void aWebhookBeforeItemLinkedIsHeldThenApplied() {
        String itemId = itemId();
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "ERROR", loginRequiredError()));
        sleep(1500);
        assertNull(item(itemId));
        given().auth().oauth2(TestJwt.token("ops", "operator")).get("/operator/unknown-item-webhooks")
                .then().statusCode(200).contentType(ContentType.JSON);
        publish(Topics.ITEMS_EVENTS, linked(itemId, "user-d"));
        assertEquals("LOGIN_REQUIRED", awaitItem(itemId, i -> "LOGIN_REQUIRED".equals(i.path("status").asText())).path("status").asText());
        awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT);
    }

    @Test
    void aDuplicateItemLinkedChangesNothing() {
        String itemId = link("user-e");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "ERROR", loginRequiredError()));
        awaitItem(itemId, i -> "LOGIN_REQUIRED".equals(i.path("status").asText()));
        publish(Topics.ITEMS_EVENTS, linked(itemId, "someone-else"));
        sleep(QUIET.toMillis());
        JsonNode i = item(itemId);
        assertEquals("user-e", i.path("client_user_id").asText());
        assertEquals("LOGIN_REQUIRED", i.path("status").asText());
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheConsumerGoesOn() {
        String key = "poison-" + itemId();
        kafka.send(Topics.PLAID_WEBHOOKS_ITEM, key, "this is not an event");
        var dead = dlq.awaitKey(key, WAIT);
        assertNotNull(TopicProbe.header(dead, "dead-letter-reason"));
        // a webhook whose body is not JSON is permanent too
        EventEnvelope broken = webhook(itemId(), "ERROR", null);
        String tampered = broken.toJson().replace("\\\"webhook_type\\\"", "\\\"webhook_type");
        kafka.send(Topics.PLAID_WEBHOOKS_ITEM, broken.subject(), tampered);
        dlq.awaitKey(broken.subject(), WAIT);
        // and the channel still works
        String itemId = link("user-f");
        publish(Topics.PLAID_WEBHOOKS_ITEM, webhook(itemId, "ERROR", loginRequiredError()));
        awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT);
    }

    @Test
    void apiNeedsTheRightRole() {
        given().get("/items/whatever").then().statusCode(401);
        given().auth().oauth2(TestJwt.token("x", "nobody")).get("/items/whatever").then().statusCode(403);
        given().auth().oauth2(TestJwt.token("x", "app")).get("/items/whatever").then().statusCode(404)
                .contentType(ContentType.JSON).body("code", org.hamcrest.Matchers.equalTo("ITEM_NOT_FOUND"));
        given().auth().oauth2(TestJwt.token("x", "app")).get("/operator/items/counts").then().statusCode(403);
        given().auth().oauth2(TestJwt.token("x", "operator")).get("/operator/items/counts").then().statusCode(200);
    }
}
