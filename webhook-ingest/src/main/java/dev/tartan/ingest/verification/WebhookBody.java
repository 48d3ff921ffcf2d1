package dev.tartan.ingest.verification;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fields ingest needs from a <em>verified</em> body: type, code, routing key, environment. The body itself is
 * kept as the exact text received (decoded strictly as UTF-8, never re-serialized).
 *
 * @param text         the body, byte-for-byte as received
 * @param webhookType  {@code webhook_type}
 * @param webhookCode  {@code webhook_code}
 * @param itemId       {@code item_id} or {@code null}
 * @param partitionKey item id, else the Beacon id, else {@code link_session_id}; {@code null} if none
 * @param environment  {@code environment} or {@code null}
 */
public record WebhookBody(String text, String webhookType, String webhookCode, String itemId, String partitionKey,
                          String environment) {

    /** Beacon webhooks carry no item id; their one id field, in this order of preference. */
    static final List<String> BEACON_ID_FIELDS = List.of("beacon_user_id", "beacon_report_id",
            "beacon_report_syndication_id", "beacon_duplicate_id");

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public static WebhookBody parse(byte[] raw) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new WebhookRejectedException(RejectionReason.INVALID_UTF8, "body is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = STRICT.readTree(text);
        } catch (Exception e) {
            throw new WebhookRejectedException(RejectionReason.MALFORMED_BODY, "body is not JSON: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            throw new WebhookRejectedException(RejectionReason.MALFORMED_BODY, "body is not a JSON object");
        }
        String type = text(root, "webhook_type");
        String code = text(root, "webhook_code");
        if (type == null || code == null || type.isBlank() || code.isBlank()) {
            throw new WebhookRejectedException(RejectionReason.MALFORMED_BODY, "webhook_type and webhook_code must be strings");
        }
        String itemId = text(root, "item_id");
        String key = nonBlank(itemId);
        for (int i = 0; key == null && i < BEACON_ID_FIELDS.size(); i++) {
            key = nonBlank(text(root, BEACON_ID_FIELDS.get(i)));
        }
        if (key == null) {
            key = nonBlank(text(root, "link_session_id"));
        }
        return new WebhookBody(text, type, code, itemId, key, text(root, "environment"));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
