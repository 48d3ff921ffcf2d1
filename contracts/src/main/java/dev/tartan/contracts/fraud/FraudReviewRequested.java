package dev.tartan.contracts.fraud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * Command: the fraud team must review a user. Carries the evidence a reviewer needs (scores, risk
 * signals, Beacon hits, policy version, Plaid identifiers) and no more PII than review requires.
 *
 * @param reviewId  one per review episode (not per webhook)
 * @param source    {@code identity-service} or {@code beacon-service}
 * @param reason    short machine-readable reason, e.g. {@code IDENTITY_MATCH_FAILED}, {@code BEACON_PENDING_REVIEW}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FraudReviewRequested(
        String reviewId,
        String source,
        String reason,
        String clientUserId,
        List<String> itemIds,
        String beaconUserId,
        JsonNode evidence,
        Instant requestedAt) {
}
