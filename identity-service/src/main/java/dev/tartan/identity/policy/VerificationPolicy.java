package dev.tartan.identity.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tartan.contracts.EventJson;
import dev.tartan.identity.match.MatchField;
import dev.tartan.identity.match.MatchScores;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns evidence (match scores, a statement's document result, an {@code /auth/get} verification status)
 * into one {@link Decision} per account. Pure: no I/O, so every rule is tested in plain JUnit.
 *
 * <p>The version is the policy's name plus a digest of every setting, so two deployments that decide
 * differently can never claim the same version.
 */
public final class VerificationPolicy {

    private static final ObjectMapper JSON = EventJson.mapper();

    private final PolicySettings settings;
    private final String version;

    public VerificationPolicy(PolicySettings settings) {
        this.settings = settings;
        this.version = settings.name() + "-" + digest(settings);
    }

    public String version() {
        return version;
    }

    public PolicySettings settings() {
        return settings;
    }

    /**
     * Decides from Identity Match scores (Plaid's, or the local matcher's for a statement).
     *
     * @param provided the fields the profile has (a field the app did not give cannot count against the user)
     */
    public Decision decideMatch(MatchScores scores, Set<MatchField> provided, Method method) {
        List<String> reasons = new ArrayList<>();
        boolean hardFail = false;
        boolean weak = false;
        boolean requiredUnavailable = false;
        int compared = 0;
        int optionalCompared = 0;
        int optionalPassed = 0;
        for (MatchField field : MatchField.values()) {
            boolean required = settings.required().contains(field);
            Integer score = scores.score(field);
            String f = field.name();
            if (!provided.contains(field)) {
                if (required) {
                    reasons.add(f + "_NOT_IN_PROFILE");
                    requiredUnavailable = true;
                }
                continue;
            }
            if (score == null) {
                if (required) {
                    reasons.add(f + "_UNAVAILABLE");
                    requiredUnavailable = true;
                }
                continue;
            }
            compared++;
            boolean counts = required || settings.combination() == Combination.ALL_COMPARED;
            boolean passed = score >= settings.threshold(field);
            if (!required) {
                optionalCompared++;
                if (passed) {
                    optionalPassed++;
                }
            }
            if (passed) {
                reasons.add(f + "_PASSED");
            } else if (score >= settings.reviewFloor()) {
                reasons.add(f + "_BELOW_THRESHOLD");
                weak |= counts;
            } else {
                reasons.add(f + "_MISMATCH");
                hardFail |= counts;
            }
        }
        Outcome outcome;
        NextStep next;
        if (hardFail) {
            outcome = Outcome.FAILED;
            next = NextStep.MANUAL_REVIEW;
        } else if (weak) {
            outcome = Outcome.NEEDS_REVIEW;
            next = NextStep.MANUAL_REVIEW;
        } else if (requiredUnavailable || compared == 0) {
            if (compared == 0) {
                reasons.add("NOTHING_COMPARED");
            }
            outcome = Outcome.NEEDS_REVIEW;
            next = method == Method.IDENTITY_MATCH ? NextStep.DOCUMENT_UPLOAD : NextStep.MANUAL_REVIEW;
        } else if (settings.combination() == Combination.REQUIRED_PLUS_ANY && optionalCompared > 0
                && optionalPassed < Math.min(settings.minOptionalPassing(), optionalCompared)) {
            reasons.add("INSUFFICIENT_CORROBORATION");
            outcome = Outcome.NEEDS_REVIEW;
            next = NextStep.MANUAL_REVIEW;
        } else {
            outcome = Outcome.VERIFIED;
            next = null;
        }
        ObjectNode evidence = JSON.createObjectNode();
        evidence.set("scores", JSON.valueToTree(scores));
        evidence.set("thresholds", thresholds());
        return new Decision(outcome, reasons, next, method, evidence, version);
    }

    /** Decides from an uploaded statement: the document checks first, then the owners parsed from it. */
    public Decision decideDocument(DocumentEvidence document, MatchScores ownerScores, Set<MatchField> provided) {
        ObjectNode evidence = JSON.createObjectNode();
        if (document == null) {
            evidence.set("thresholds", thresholds());
            return new Decision(Outcome.NEEDS_REVIEW, List.of("DOCUMENT_MISSING"), NextStep.MANUAL_REVIEW,
                    Method.DOCUMENT_UPLOAD, evidence, version);
        }
        evidence.set("document", documentEvidence(document));
        if (Boolean.FALSE.equals(document.isAccountNumberMatch())) {
            return new Decision(Outcome.FAILED, List.of("DOCUMENT_ACCOUNT_NUMBER_MISMATCH"), NextStep.MANUAL_REVIEW,
                    Method.DOCUMENT_UPLOAD, evidence, version);
        }
        if (isHighRisk(document)) {
            return new Decision(Outcome.FAILED, List.of("DOCUMENT_HIGH_RISK"), NextStep.MANUAL_REVIEW,
                    Method.DOCUMENT_UPLOAD, evidence, version);
        }
        Decision match = decideMatch(ownerScores, provided, Method.DOCUMENT_UPLOAD);
        evidence.setAll(match.evidence());
        List<String> reasons = new ArrayList<>(match.reasons());
        Outcome outcome = match.outcome();
        NextStep next = match.nextStep();
        if (document.isAccountNumberMatch() == null && outcome == Outcome.VERIFIED) {
            reasons.add("DOCUMENT_ACCOUNT_NUMBER_UNCONFIRMED");
            outcome = Outcome.NEEDS_REVIEW;
            next = NextStep.MANUAL_REVIEW;
        }
        return new Decision(outcome, reasons, next, Method.DOCUMENT_UPLOAD, evidence, version);
    }

    public boolean isHighRisk(DocumentEvidence document) {
        return document.riskScore() != null && document.riskScore() >= settings.documentRiskThreshold();
    }

    /**
     * Decides from an {@code /auth/get} verification status alone. Returns null for {@link AuthEvidence.Verdict#NONE}
     * and {@link AuthEvidence.Verdict#PENDING} (nothing to decide yet). A caution result asks for a second signal:
     * {@code secondSignalPossible} says whether Identity Match can run; use {@link #withCaution} on its decision.
     */
    public Decision decideAuth(AuthEvidence auth, boolean identityConsented) {
        ObjectNode evidence = authEvidence(auth);
        return switch (auth.verdict()) {
            case NONE, PENDING -> null;
            case PASS -> new Decision(Outcome.VERIFIED, List.of(reason(auth)), null, auth.method(), evidence, version);
            case FAIL -> new Decision(Outcome.FAILED, List.of(reason(auth)), NextStep.MANUAL_REVIEW, auth.method(), evidence, version);
            case CAUTION -> new Decision(Outcome.NEEDS_REVIEW, List.of(reason(auth), "SECOND_SIGNAL_REQUIRED"),
                    identityConsented ? NextStep.MANUAL_REVIEW : NextStep.DOCUMENT_UPLOAD, auth.method(), evidence, version);
        };
    }

    /** A caution result settled by a second signal (Identity Match): that signal decides, both are kept as evidence. */
    public Decision withCaution(AuthEvidence auth, Decision second) {
        List<String> reasons = new ArrayList<>();
        reasons.add(reason(auth));
        reasons.addAll(second.reasons());
        ObjectNode evidence = authEvidence(auth);
        evidence.setAll(second.evidence());
        NextStep next = second.nextStep();
        if (second.outcome() == Outcome.UNSUPPORTED) {
            // Identity Match cannot see the account: the statement is the remaining second signal
            return new Decision(Outcome.NEEDS_REVIEW, reasons, NextStep.DOCUMENT_UPLOAD, second.method(), evidence, version);
        }
        return new Decision(second.outcome(), reasons, next, second.method(), evidence, version);
    }

    /** Identity Match answered PRODUCTS_NOT_SUPPORTED: Plaid has never seen this manual Item. */
    public Decision unsupported(String plaidErrorCode) {
        ObjectNode evidence = JSON.createObjectNode();
        evidence.put("plaid_error_code", plaidErrorCode);
        return new Decision(Outcome.UNSUPPORTED, List.of("IDENTITY_MATCH_" + plaidErrorCode), NextStep.DOCUMENT_UPLOAD,
                Method.IDENTITY_MATCH, evidence, version);
    }

    /** The Item lacks Identity consent (not consented at link time, or ACCESS_NOT_GRANTED / PRODUCT_PERMISSIONS_REQUIRED). */
    public Decision consentRequired(String cause) {
        ObjectNode evidence = JSON.createObjectNode();
        // Plaid sends IDENTITY PRODUCT_PERMISSIONS_REQUIRED *because* an identity call hit ACCESS_NOT_GRANTED (REFERENCE
        // §2.3): one fact, so one evidence value. Recording the two triggers apart gave the same decision two
        // fingerprints and emitted identity.verification-decided twice per account (found running the flow on the
        // Plaid emulator, which answers ACCESS_NOT_GRANTED and then sends the webhook). The trigger itself stays in
        // the decision history's cause and in the consent request.
        evidence.put("cause", "PRODUCT_PERMISSIONS_REQUIRED".equals(cause) ? "ACCESS_NOT_GRANTED" : cause);
        return new Decision(Outcome.NEEDS_REVIEW, List.of("IDENTITY_CONSENT_MISSING"), NextStep.IDENTITY_CONSENT,
                Method.IDENTITY_MATCH, evidence, version);
    }

    /** A reviewer's outcome replaces the automated decision. */
    public Decision reviewed(boolean cleared, String reviewId) {
        ObjectNode evidence = JSON.createObjectNode();
        evidence.put("review_id", reviewId);
        return new Decision(cleared ? Outcome.VERIFIED : Outcome.FAILED,
                List.of(cleared ? "MANUAL_REVIEW_CLEARED" : "MANUAL_REVIEW_REJECTED"), null, Method.MANUAL_REVIEW, evidence, version);
    }

    private static String reason(AuthEvidence auth) {
        return auth.verificationStatus().toUpperCase(java.util.Locale.ROOT);
    }

    private static ObjectNode authEvidence(AuthEvidence auth) {
        ObjectNode evidence = JSON.createObjectNode();
        evidence.put("verification_status", auth.verificationStatus());
        if (auth.verificationInsights() != null && !auth.verificationInsights().isNull()) {
            evidence.set("verification_insights", auth.verificationInsights());
        }
        return evidence;
    }

    private static ObjectNode documentEvidence(DocumentEvidence d) {
        ObjectNode node = JSON.valueToTree(d);
        ArrayNode signals = node.withArray("risk_signals");
        if (signals.isEmpty()) {
            node.remove("risk_signals");
        }
        return node;
    }

    private ObjectNode thresholds() {
        ObjectNode node = JSON.createObjectNode();
        for (MatchField f : MatchField.values()) {
            node.put(f.name().toLowerCase(java.util.Locale.ROOT), settings.threshold(f));
        }
        return node;
    }

    private static String digest(PolicySettings s) {
        StringBuilder canonical = new StringBuilder();
        for (MatchField f : MatchField.values()) {
            canonical.append(f).append('=').append(s.threshold(f)).append(';');
        }
        canonical.append("required=").append(new TreeSet<>(s.required().stream().map(Enum::name).toList())).append(';')
                .append("combination=").append(s.combination()).append(';')
                .append("minOptional=").append(s.minOptionalPassing()).append(';')
                .append("reviewFloor=").append(s.reviewFloor()).append(';')
                .append("documentRisk=").append(s.documentRiskThreshold());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
