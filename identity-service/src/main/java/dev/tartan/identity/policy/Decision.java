package dev.tartan.identity.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One decision for one account, with what explains it.
 *
 * @param reasons       machine-readable reasons, e.g. {@code LEGAL_NAME_PASSED}, {@code PHONE_NUMBER_MISMATCH}
 * @param nextStep      null when verified
 * @param evidence      scores, risk signals and statuses that produced it (never PII)
 * @param policyVersion the version of the policy that decided
 */
public record Decision(Outcome outcome, List<String> reasons, NextStep nextStep, Method method, ObjectNode evidence,
                       String policyVersion) {

    public Decision {
        reasons = List.copyOf(reasons);
    }

    public boolean isFailed() {
        return outcome == Outcome.FAILED;
    }
}
