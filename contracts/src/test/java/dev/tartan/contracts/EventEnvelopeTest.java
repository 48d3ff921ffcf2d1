package dev.tartan.contracts;

import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one-pass envelope writer must produce exactly what the tree-based one does: consumers parse both. */
class EventEnvelopeTest {

    @Test
    void oneTreeFreePassWritesTheSameBytesAsTheEnvelopeRecord() {
        Instant received = Instant.parse("2026-12-06T14:40:00.123456Z");
        String body = "{\n  \"webhook_type\": \"ITEM\",\n  \"webhook_code\": \"ERROR\",\n  \"item_id\": \"item-1\",\n"
                + "  \"error\": {\"error_code\": \"ITEM_LOGIN_REQUIRED\", \"note\": \"\\u00e9 \\\"quoted\\\" </script>\"},\n"
                + "  \"environment\": \"sandbox\"\n}";
        PlaidWebhookReceived payload = new PlaidWebhookReceived("d-1", "ITEM", "ERROR", "item-1", "item-1",
                "ab".repeat(32), received, Instant.parse("2026-12-06T14:39:59Z"), "kid-1", "sandbox", body);
        String type = PlaidWebhookReceived.eventType("ITEM", "ERROR");
        String viaTree = new EventEnvelope(EventEnvelope.SPEC_VERSION, "d-1", type, "webhook-ingest", received, "item-1",
                PlaidWebhookReceived.VERSION, EventJson.mapper().valueToTree(payload)).toJson();
        String direct = EventEnvelope.toJson("d-1", type, "webhook-ingest", received, "item-1",
                PlaidWebhookReceived.VERSION, payload);
        assertEquals(viaTree, direct);
        PlaidWebhookReceived withNulls = new PlaidWebhookReceived("d-2", "LINK", "EVENTS", null, "ls-1",
                "cd".repeat(32), received, Instant.parse("2026-12-06T14:39:59Z"), "kid-1", null, "{}");
        assertEquals(new EventEnvelope(EventEnvelope.SPEC_VERSION, "d-2", "plaid.webhook.LINK.EVENTS", "webhook-ingest",
                        received, "ls-1", 1, EventJson.mapper().valueToTree(withNulls)).toJson(),
                EventEnvelope.toJson("d-2", "plaid.webhook.LINK.EVENTS", "webhook-ingest", received, "ls-1", 1, withNulls));
        assertEquals(payload, EventEnvelope.fromJson(direct).dataAs(PlaidWebhookReceived.class));
    }
}
