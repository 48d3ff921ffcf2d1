package dev.tartan.identity.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What {@code /auth/get} says about how one account was verified (no account or routing numbers here).
 *
 * @param verificationStatus   {@code accounts[].verification_status}, null for credential-based accounts
 * @param verificationInsights {@code accounts[].verification_insights} as Plaid sent it (Database Auth only)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuthEvidence(String verificationStatus, JsonNode verificationInsights) {

    /** How the policy reads a verification status. */
    public enum Verdict {
        /** Not a micro-deposit or database account: decide with Identity Match. */
        NONE,
        /** Micro-deposits not verified yet: no decision until the AUTH webhook says so. */
        PENDING,
        PASS,
        /** Database Insights pass with caution: a second signal is needed. */
        CAUTION,
        FAIL
    }

    public Verdict verdict() {
        if (verificationStatus == null || verificationStatus.isBlank()) {
            return Verdict.NONE;
        }
        return switch (verificationStatus) {
            case "automatically_verified", "manually_verified", "database_matched", "database_insights_pass" -> Verdict.PASS;
            case "database_insights_pass_with_caution" -> Verdict.CAUTION;
            case "database_insights_fail", "verification_expired", "verification_failed" -> Verdict.FAIL;
            case "pending_automatic_verification", "pending_manual_verification", "unsent" -> Verdict.PENDING;
            default -> Verdict.PENDING; // an unknown future status: decide nothing rather than guess
        };
    }

    public Method method() {
        return verificationStatus != null && verificationStatus.startsWith("database_") ? Method.DATABASE_INSIGHTS : Method.MICRO_DEPOSITS;
    }
}
