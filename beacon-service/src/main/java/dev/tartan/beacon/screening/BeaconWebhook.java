package dev.tartan.beacon.screening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.contracts.EventJson;
import dev.tartan.messaging.consumer.PermanentEventFailure;

import java.util.Locale;

/**
 * A BEACON webhook reduced to what it asks for (REFERENCE 2.4). The webhook only says "look": the follow-up
 * call decides, so nothing else in the body is trusted.
 */
public record BeaconWebhook(String code, FollowUp followUp, String objectId) {

    /** The Plaid call each code leads to. */
    public enum FollowUp {
        USER_GET("beacon_user_id"),
        REPORT_GET("beacon_report_id"),
        REPORT_SYNDICATION_GET("beacon_report_syndication_id"),
        DUPLICATE_GET("beacon_duplicate_id"),
        /** A code this service does not know: acknowledged and logged, never dead-lettered (Plaid adds codes). */
        NONE(null);

        private final String idField;

        FollowUp(String idField) {
            this.idField = idField;
        }

        public String idField() {
            return idField;
        }

        static FollowUp forCode(String code) {
            return switch (code == null ? "" : code.toUpperCase(Locale.ROOT)) {
                case "USER_STATUS_UPDATED" -> USER_GET;
                case "REPORT_CREATED", "REPORT_UPDATED" -> REPORT_GET;
                case "REPORT_SYNDICATION_CREATED" -> REPORT_SYNDICATION_GET;
                case "DUPLICATE_DETECTED" -> DUPLICATE_GET;
                default -> NONE;
            };
        }
    }

    /**
     * @throws PermanentEventFailure when the body is not JSON, is not a BEACON webhook, or lacks its id field
     */
    public static BeaconWebhook parse(String body) {
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new PermanentEventFailure("BEACON webhook body is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new PermanentEventFailure("BEACON webhook body is not a JSON object");
        }
        String type = json.path("webhook_type").asText(null);
        if (!"BEACON".equalsIgnoreCase(type)) {
            throw new PermanentEventFailure("not a BEACON webhook: webhook_type=" + type);
        }
        String code = json.path("webhook_code").asText(null);
        FollowUp followUp = FollowUp.forCode(code);
        if (followUp == FollowUp.NONE) {
            return new BeaconWebhook(code, followUp, null);
        }
        String id = json.path(followUp.idField()).asText(null);
        if (id == null || id.isBlank()) {
            throw new PermanentEventFailure("BEACON " + code + " webhook has no " + followUp.idField());
        }
        return new BeaconWebhook(code, followUp, id);
    }
}
