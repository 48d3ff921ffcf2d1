package dev.tartan.contracts.webhook;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * One verified delivery of a Plaid webhook, as accepted by webhook-ingest. Plaid's bodies carry no
 * id, so every delivery gets its own {@code deliveryId}; identical bodies (which Plaid legitimately
 * repeats) share a {@code bodySha256}. The body is kept byte-for-byte as Plaid sent it.
 *
 * @param deliveryId        unique per accepted HTTP delivery; also the envelope id
 * @param webhookType       Plaid's {@code webhook_type} (open string)
 * @param webhookCode       Plaid's {@code webhook_code} (open string)
 * @param itemId            {@code item_id} when the webhook is Item-scoped
 * @param partitionKey      the Kafka key: item id, else the Beacon id in the body, else the link session id
 * @param bodySha256        lowercase hex SHA-256 of the raw body (equals the JWT's {@code request_body_sha256})
 * @param receivedAt        when ingest accepted the delivery
 * @param jwtIssuedAt       the {@code iat} of the Plaid-Verification JWT
 * @param verificationKeyId the {@code kid} that verified it
 * @param environment       Plaid's {@code environment} field (sandbox, production), if present
 * @param body              the raw JSON body, unchanged
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PlaidWebhookReceived(
        String deliveryId,
        String webhookType,
        String webhookCode,
        String itemId,
        String partitionKey,
        String bodySha256,
        Instant receivedAt,
        Instant jwtIssuedAt,
        String verificationKeyId,
        String environment,
        String body) {

    /** CloudEvents type of a webhook event: {@code plaid.webhook.<TYPE>.<CODE>}. */
    public static String eventType(String webhookType, String webhookCode) {
        return "plaid.webhook." + webhookType + "." + webhookCode;
    }

    /** Schema version of this payload. */
    public static final int VERSION = 1;

    /** Webhook events are identified by their Plaid type, not a Tartan name, so their envelope type carries no suffix. */
    public static final String TYPE_PREFIX = "plaid.webhook.";
}
