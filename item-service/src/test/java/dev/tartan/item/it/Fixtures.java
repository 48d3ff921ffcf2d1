package dev.tartan.item.it;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.LinkUpdateCompleted;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** Builders for the records other services publish, and helpers to read what item-service publishes. */
public final class Fixtures {

    private Fixtures() {
    }

    static String itemId() {
        return "item-" + UUID.randomUUID();
    }

    static EventEnvelope linked(String itemId, String userId, SealedToken token, List<String> products) {
        return EventEnvelope.wrap(EventTypes.ITEM_LINKED, "link-service", itemId, new ItemLinked(itemId, userId,
                new InstitutionRef("ins_109508", "First Platypus Bank"),
                List.of(new LinkedAccount("acc-1-" + itemId, "Checking", "0000", "depository", "checking"),
                        new LinkedAccount("acc-2-" + itemId, "Savings", "1111", "depository", "savings")),
                products, null, null, null, "link-session-" + itemId, token, Instant.now().truncatedTo(ChronoUnit.MICROS)));
    }

    static EventEnvelope linked(String itemId, String userId) {
        return linked(itemId, userId, new SealedToken("test-key-1", "not-a-real-ciphertext"), List.of("transactions"));
    }

    /** What webhook-ingest publishes for one delivery of an ITEM webhook. */
    public static EventEnvelope webhook(String itemId, String code, String extraJsonFields) {
        String body = "{\"webhook_type\":\"ITEM\",\"webhook_code\":\"" + code + "\",\"item_id\":\"" + itemId + "\","
                + (extraJsonFields == null || extraJsonFields.isBlank() ? "" : extraJsonFields + ",")
                + "\"environment\":\"sandbox\"}";
        String deliveryId = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        PlaidWebhookReceived data = new PlaidWebhookReceived(deliveryId, "ITEM", code, itemId, itemId, sha256(body), now, now,
                "kid-1", "sandbox", body);
        return new EventEnvelope(EventEnvelope.SPEC_VERSION, deliveryId, PlaidWebhookReceived.eventType("ITEM", code),
                "webhook-ingest", now, itemId, PlaidWebhookReceived.VERSION, EventJson.mapper().valueToTree(data));
    }

    static String loginRequiredError() {
        return "\"error\":{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\",\"error_code_reason\":\"OAUTH_INVALID_TOKEN\","
                + "\"error_message\":\"the login details of this item have changed\",\"display_message\":null,\"status\":400}";
    }

    static EventEnvelope updateCompleted(String itemId, String userId, UpdateMode mode, List<LinkedAccount> accounts) {
        return EventEnvelope.wrap(EventTypes.LINK_UPDATE_COMPLETED, "link-service", itemId,
                new LinkUpdateCompleted(itemId, userId, "link-session-upd-" + UUID.randomUUID(), mode, accounts,
                        Instant.now().truncatedTo(ChronoUnit.MICROS)));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The envelopes received so far on the probe for this key and type (null: any type but the test's own item.linked). */
    static List<EventEnvelope> events(TopicProbe probe, String key, String type) {
        return probe.records().stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::value).map(EventEnvelope::fromJson)
                .filter(e -> type == null ? !e.is(EventTypes.ITEM_LINKED) : e.type().equals(type)).toList();
    }

    /** Waits until at least {@code n} such events arrived; returns them all. */
    static List<EventEnvelope> awaitEvents(TopicProbe probe, String key, String type, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<EventEnvelope> found = events(probe, key, type);
            if (found.size() >= n) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " " + type + " for " + key + " within " + timeout + ", got "
                        + found.size() + "; all for key: " + events(probe, key, null).stream().map(EventEnvelope::type).toList());
            }
            sleep(100);
        }
    }

    /** Waits {@code quiet}, then asserts exactly {@code n} such events arrived. */
    static List<EventEnvelope> assertExactly(TopicProbe probe, String key, String type, int n, Duration quiet) {
        sleep(quiet.toMillis());
        List<EventEnvelope> found = events(probe, key, type);
        if (found.size() != n) {
            throw new AssertionError("expected exactly " + n + " " + type + " for " + key + ", got " + found.size() + ": "
                    + found.stream().map(e -> e.data().toString()).toList());
        }
        return found;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Item as item-service's API shows it (operator view), or null while it is unknown. */
    static JsonNode item(String itemId) {
        var r = io.restassured.RestAssured.given().auth().oauth2(TestJwt.token("ops", "operator")).get("/items/" + itemId);
        return r.statusCode() == 200 ? r.as(JsonNode.class) : null;
    }

    /** Polls the API until the Item satisfies {@code condition}. */
    static JsonNode awaitItem(String itemId, Duration wait, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + wait.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = item(itemId);
            if (last != null && condition.test(last)) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError("item " + itemId + " never reached the expected state; last: " + last);
    }
}
