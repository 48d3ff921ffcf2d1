package dev.tartan.item.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.messaging.consumer.PermanentEventFailure;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads an ITEM webhook event (envelope from webhook-ingest, Plaid's raw body inside) into a {@link Signal.Webhook}. */
public final class WebhookParser {

    public static final String ITEM_TYPE_PREFIX = PlaidWebhookReceived.TYPE_PREFIX + "ITEM.";

    /** @param newWebhookUrl {@code new_webhook_url} of WEBHOOK_UPDATE_ACKNOWLEDGED */
    public record ParsedWebhook(String itemId, Signal.Webhook signal, String newWebhookUrl) {
    }

    private WebhookParser() {
    }

    public static ParsedWebhook parse(EventEnvelope envelope) {
        if (!envelope.type().startsWith(ITEM_TYPE_PREFIX)) {
            throw new PermanentEventFailure("not an ITEM webhook: " + envelope.type());
        }
        PlaidWebhookReceived received = envelope.dataAs(PlaidWebhookReceived.class);
        JsonNode body;
        try {
            body = EventJson.mapper().readTree(received.body() == null ? "" : received.body());
        } catch (JsonProcessingException e) {
            throw new PermanentEventFailure("webhook " + envelope.id() + " has a body that is not JSON", e);
        }
        if (body == null || !body.isObject()) {
            throw new PermanentEventFailure("webhook " + envelope.id() + " has no JSON object body");
        }
        String code = text(body, "webhook_code");
        if (code == null) {
            code = received.webhookCode();
        }
        String itemId = text(body, "item_id");
        if (itemId == null) {
            itemId = received.itemId();
        }
        if (code == null || itemId == null) {
            throw new PermanentEventFailure("ITEM webhook " + envelope.id() + " without webhook_code or item_id");
        }
        ItemErrorState error = null;
        JsonNode e = body.get("error");
        if (e != null && e.isObject() && text(e, "error_code") != null) {
            error = new ItemErrorState(text(e, "error_type"), text(e, "error_code"), text(e, "error_code_reason"));
        }
        Instant receivedAt = received.receivedAt() != null ? received.receivedAt() : envelope.time();
        Signal.Webhook signal = new Signal.Webhook(code, error, instant(body, "consent_expiration_time"),
                instant(body, "disconnect_time"), text(body, "reason"), text(body, "account_id"), receivedAt);
        return new ParsedWebhook(itemId, signal, text(body, "new_webhook_url"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String v = text(node, field);
        if (v == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException ex) {
            throw new PermanentEventFailure("webhook field " + field + " is not a date-time: " + v, ex);
        }
    }
}
