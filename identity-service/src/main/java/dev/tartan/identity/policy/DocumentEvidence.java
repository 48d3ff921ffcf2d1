package dev.tartan.identity.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * What {@code /identity/documents/uploads/get} says about the statement of one account (no owner data here).
 *
 * @param isAccountNumberMatch Plaid checked the statement's account number against the account: false means the
 *                             document does not prove ownership; null means it was not checked
 * @param riskScore            {@code risk_insights.risk_summary.risk_score} (0-100, higher is riskier), null without Fraud Risk
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DocumentEvidence(String documentId, String documentType, Boolean isAccountNumberMatch, Integer riskScore,
                               List<RiskSignal> riskSignals) {

    public DocumentEvidence {
        riskSignals = riskSignals == null ? List.of() : List.copyOf(riskSignals);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RiskSignal(String type, Boolean hasFraudRisk, String signalDescription, Integer pageNumber) {
    }
}
