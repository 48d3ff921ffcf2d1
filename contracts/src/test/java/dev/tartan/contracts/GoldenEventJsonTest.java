package dev.tartan.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tartan.contracts.activity.UserActivityRecorded;
import dev.tartan.contracts.churn.ChurnRemovalRequested;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.contracts.churn.UserItemsRemovalRequested;
import dev.tartan.contracts.fraud.FraudOutcome;
import dev.tartan.contracts.fraud.FraudReviewRequested;
import dev.tartan.contracts.identity.VerificationDecided;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemAccountsChanged;
import dev.tartan.contracts.item.ItemError;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.ItemRemoved;
import dev.tartan.contracts.item.ItemStatusChanged;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.LinkUpdateCompleted;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import dev.tartan.contracts.relink.RelinkReminder;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.contracts.relink.RelinkResolved;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Golden JSON for every event: a schema change shows up as a diff of a file under
 * {@code src/test/resources/golden}, and each golden file must read back to the same record.
 */
class GoldenEventJsonTest {

    static final Instant T = Instant.parse("2026-11-23T10:15:30Z");
    static final SealedToken TOKEN = new SealedToken("k1", "bm9uY2VjaXBoZXJ0ZXh0dGFn");
    static final InstitutionRef BANK = new InstitutionRef("ins_109508", "First Platypus Bank");
    static final LinkedAccount CHECKING = new LinkedAccount("acc_1", "Plaid Checking", "0000", "depository", "checking");

    static Map<String, Object> samples() {
        JsonNode evidence = JsonNodeFactory.instance.objectNode().put("legal_name_score", 42).put("policy_version", "p1");
        return Map.ofEntries(
                Map.entry("tartan.item.linked.v1", new ItemLinked("item_1", "user_1", BANK, List.of(CHECKING), List.of("auth"),
                        List.of("identity"), List.of(), List.of(), "sess_1", TOKEN, T)),
                Map.entry("tartan.item.status-changed.v1", new ItemStatusChanged("item_1", "user_1", "HEALTHY", "LOGIN_REQUIRED",
                        new ItemError("ITEM_ERROR", "ITEM_LOGIN_REQUIRED", null), "ERROR", T)),
                Map.entry("tartan.item.accounts-changed.v1", new ItemAccountsChanged("item_1", "user_1", List.of(CHECKING), List.of("acc_9"), "UPDATE_MODE_COMPLETED", T)),
                Map.entry("tartan.item.removed.v1", new ItemRemoved("item_1", "user_1", "INACTIVITY", "OTHER", T)),
                Map.entry("tartan.link.update-completed.v1", new LinkUpdateCompleted("item_1", "user_1", "sess_2", UpdateMode.ACCOUNT_SELECTION, List.of(CHECKING), T)),
                Map.entry("tartan.user.activity-recorded.v1", new UserActivityRecorded("user_1", "LOGIN", T)),
                Map.entry("tartan.relink.requested.v1", new RelinkRequested("rl_1", "item_1", "user_1", BANK, UpdateMode.LOGIN,
                        RelinkReason.ITEM_LOGIN_REQUIRED, "ITEM_LOGIN_REQUIRED", null, null, T)),
                Map.entry("tartan.relink.reminder.v1", new RelinkReminder("rl_1", "item_1", "user_1", UpdateMode.LOGIN, RelinkReason.ITEM_LOGIN_REQUIRED, 2, T, T)),
                Map.entry("tartan.relink.resolved.v1", new RelinkResolved("rl_1", "item_1", "user_1", "UPDATE_MODE", T)),
                Map.entry("tartan.churn.removal-requested.v1", new ChurnRemovalRequested("rm_1", "item_1", "user_1", RemovalReason.INACTIVITY, false, T, T)),
                Map.entry("tartan.churn.user-items-removal-requested.v1", new UserItemsRemovalRequested("rq_1", "user_1", RemovalReason.FRAUD_FIRST_PARTY, "beacon-service", T)),
                Map.entry("tartan.fraud.review-requested.v1", new FraudReviewRequested("rv_1", "identity-service", "IDENTITY_MATCH_FAILED", "user_1", List.of("item_1"), null, evidence, T)),
                Map.entry("tartan.fraud.user-cleared.v1", new FraudOutcome("user_1", "becusr_1", "cleared", "pending_review", List.of("item_1"), T)),
                Map.entry("tartan.fraud.user-rejected.v1", new FraudOutcome("user_1", "becusr_1", "rejected", "pending_review", List.of("item_1"), T)),
                Map.entry("tartan.identity.verification-decided.v1", new VerificationDecided("dc_1", "item_1", "acc_1", "user_1", "failed",
                        List.of("legal_name below 70"), "MANUAL_REVIEW", "IDENTITY_MATCH", evidence, "p1", T)));
    }

    @Test
    void everyEventTypeHasAGoldenFileThatRoundTrips() throws IOException {
        Map<String, Object> samples = samples();
        for (EventType<?> type : EventTypes.all()) {
            Object payload = samples.get(type.name());
            assertNotNull(payload, "no sample for " + type.name() + ": add one and its golden file");
            EventEnvelope envelope = wrapUnchecked(type, payload);
            String golden = readGolden(type.name());
            JsonNode expected = EventJson.mapper().readTree(golden);
            JsonNode actual = EventJson.mapper().readTree(envelope.toJson());
            assertEquals(expected, actual, "JSON of " + type.name() + " changed; if intended, update golden/" + type.name() + ".json");
            EventEnvelope parsed = EventEnvelope.fromJson(golden);
            assertEquals(payload, parsed.dataAs(type), "golden " + type.name() + " does not read back");
            assertEquals(type.version(), parsed.dataversion());
        }
    }

    @Test
    void webhookEnvelopeKeepsTheBodyByteForByte() {
        String body = "{\n  \"webhook_type\": \"ITEM\",\n  \"webhook_code\": \"ERROR\"\n}";
        PlaidWebhookReceived received = new PlaidWebhookReceived("d1", "ITEM", "ERROR", "item_1", "item_1",
                "ab".repeat(32), T, T, "kid1", "sandbox", body);
        EventEnvelope envelope = new EventEnvelope(null, "d1", PlaidWebhookReceived.eventType("ITEM", "ERROR"), "webhook-ingest", T,
                "item_1", PlaidWebhookReceived.VERSION, EventJson.mapper().valueToTree(received));
        EventEnvelope back = EventEnvelope.fromJson(envelope.toJson());
        assertEquals(body, back.dataAs(PlaidWebhookReceived.class).body());
        assertEquals("plaid.webhook.ITEM.ERROR", back.type());
        assertEquals("1.0", back.specversion());
    }

    @Test
    void unknownFieldsAreIgnoredAndGarbageIsMalformed() {
        String withExtra = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"type\":\"tartan.user.activity-recorded.v1\",\"source\":\"app\","
                + "\"time\":\"2026-11-23T10:15:30Z\",\"subject\":\"user_1\",\"dataversion\":1,\"future_field\":true,"
                + "\"data\":{\"client_user_id\":\"user_1\",\"kind\":\"LOGIN\",\"occurred_at\":\"2026-11-23T10:15:30Z\",\"new\":1}}";
        EventEnvelope e = EventEnvelope.fromJson(withExtra);
        assertEquals("user_1", e.dataAs(EventTypes.USER_ACTIVITY_RECORDED).clientUserId());
        assertThrowsMalformed("not json");
        assertThrowsMalformed("{\"id\":\"x\"}");
        assertThrowsMalformed("");
    }

    @Test
    void dataAsRefusesTheWrongType() {
        EventEnvelope e = EventEnvelope.wrap(EventTypes.USER_ACTIVITY_RECORDED, "app", "user_1", new UserActivityRecorded("user_1", "LOGIN", T));
        try {
            e.dataAs(EventTypes.ITEM_LINKED);
            fail("expected a type mismatch");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("tartan.user.activity-recorded.v1"));
        }
    }

    @Test
    void everyEventTypePublishesToAKnownTopicAndWebhookTypesRoute() {
        List<String> names = Topics.all().stream().map(Topics.TopicSpec::name).toList();
        for (EventType<?> type : EventTypes.all()) {
            assertTrue(names.contains(type.topic()), type + " publishes to unknown topic " + type.topic());
        }
        assertEquals(Topics.PLAID_WEBHOOKS_ITEM, Topics.forWebhookType("ITEM"));
        assertEquals(Topics.PLAID_WEBHOOKS_OTHER, Topics.forWebhookType("INCOME"));
        assertEquals(Topics.PLAID_WEBHOOKS_OTHER, Topics.forWebhookType(null));
    }

    @Test
    void sealedTokenNeverPrintsItsCiphertext() {
        assertTrue(!TOKEN.toString().contains(TOKEN.ciphertext()));
    }

    @SuppressWarnings("unchecked")
    private static <T> EventEnvelope wrapUnchecked(EventType<T> type, Object payload) {
        return EventEnvelope.wrap(type, "evt-" + type.name(), "golden", T, "subject-1", (T) payload);
    }

    private static void assertThrowsMalformed(String json) {
        try {
            EventEnvelope.fromJson(json);
            fail("expected MalformedEventException for " + json);
        } catch (MalformedEventException expected) {
            // expected
        }
    }

    static String readGolden(String name) throws IOException {
        try (InputStream in = GoldenEventJsonTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            if (in == null) {
                fail("missing golden file golden/" + name + ".json (run GoldenFileWriter to create it, then review it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
