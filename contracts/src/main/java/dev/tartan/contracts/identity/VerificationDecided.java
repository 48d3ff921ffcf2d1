package dev.tartan.contracts.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/**
 * Account ownership was decided for one account of an Item.
 *
 * @param decision      {@code verified}, {@code needs_review}, {@code failed} or {@code unsupported}
 * @param nextStep      for non-verified decisions: {@code IDENTITY_CONSENT}, {@code DOCUMENT_UPLOAD}, {@code MANUAL_REVIEW}
 * @param scores        per-field scores that produced it (no PII)
 * @param policyVersion the policy version, so a decision can be explained later
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VerificationDecided(
        String decisionId,
        String itemId,
        String accountId,
        String clientUserId,
        String decision,
        List<String> reasons,
        String nextStep,
        String method,
        JsonNode scores,
        String policyVersion,
        Instant decidedAt) {
}
