package dev.tartan.identity.policy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tartan.identity.match.MatchField;
import dev.tartan.identity.match.MatchScores;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerificationPolicyTest {

    static final Set<MatchField> ALL = EnumSet.allOf(MatchField.class);
    final VerificationPolicy policy = new VerificationPolicy(PolicySettings.defaults());

    static MatchScores scores(Integer name, Integer phone, Integer email, Integer address) {
        return new MatchScores(name == null ? null : new MatchScores.NameScore(name, null, null, null),
                phone == null ? null : new MatchScores.FieldScore(phone),
                email == null ? null : new MatchScores.FieldScore(email),
                address == null ? null : new MatchScores.AddressScore(address, null));
    }

    @Test
    void everyFieldAtOrAboveSeventyIsVerified() {
        Decision d = policy.decideMatch(scores(70, 95, 100, 90), ALL, Method.IDENTITY_MATCH);
        assertEquals(Outcome.VERIFIED, d.outcome());
        assertNull(d.nextStep());
        assertEquals(List.of("LEGAL_NAME_PASSED", "PHONE_NUMBER_PASSED", "EMAIL_ADDRESS_PASSED", "ADDRESS_PASSED"), d.reasons());
        assertEquals(70, d.evidence().at("/scores/legal_name/score").asInt());
        assertEquals(70, d.evidence().at("/thresholds/phone_number").asInt());
        assertEquals(policy.version(), d.policyVersion());
    }

    @Test
    void oneFieldFarOffFailsWithManualReview() {
        Decision d = policy.decideMatch(scores(100, 30, 100, 95), ALL, Method.IDENTITY_MATCH);
        assertEquals(Outcome.FAILED, d.outcome());
        assertEquals(NextStep.MANUAL_REVIEW, d.nextStep());
        assertTrue(d.reasons().contains("PHONE_NUMBER_MISMATCH"));
    }

    @Test
    void aLikelyRelativeNeedsReviewRatherThanFailing() {
        Decision d = policy.decideMatch(scores(60, 100, null, null), ALL, Method.IDENTITY_MATCH);
        assertEquals(Outcome.NEEDS_REVIEW, d.outcome());
        assertTrue(d.reasons().contains("LEGAL_NAME_BELOW_THRESHOLD"));
    }

    @Test
    void dataMissingAtTheBankIsNotHeldAgainstTheUserButTheNameIsRequired() {
        assertEquals(Outcome.VERIFIED, policy.decideMatch(scores(90, null, null, null), ALL, Method.IDENTITY_MATCH).outcome());
        Decision noName = policy.decideMatch(scores(null, 100, 100, 100), ALL, Method.IDENTITY_MATCH);
        assertEquals(Outcome.NEEDS_REVIEW, noName.outcome());
        assertEquals(NextStep.DOCUMENT_UPLOAD, noName.nextStep());
        assertTrue(noName.reasons().contains("LEGAL_NAME_UNAVAILABLE"));
    }

    @Test
    void aFieldTheProfileLacksDoesNotCount() {
        Decision d = policy.decideMatch(scores(95, 10, null, null), EnumSet.of(MatchField.LEGAL_NAME), Method.IDENTITY_MATCH);
        assertEquals(Outcome.VERIFIED, d.outcome());
    }

    @Test
    void requiredPlusAnyToleratesOneOptionalMismatchWhenAnotherCorroborates() {
        VerificationPolicy lenient = new VerificationPolicy(new PolicySettings("lenient", Map.of(),
                Set.of(MatchField.LEGAL_NAME), Combination.REQUIRED_PLUS_ANY, 1, 50, 80));
        assertEquals(Outcome.VERIFIED, lenient.decideMatch(scores(90, 20, 100, null), ALL, Method.IDENTITY_MATCH).outcome());
        Decision none = lenient.decideMatch(scores(90, 20, 10, null), ALL, Method.IDENTITY_MATCH);
        assertEquals(Outcome.NEEDS_REVIEW, none.outcome());
        assertTrue(none.reasons().contains("INSUFFICIENT_CORROBORATION"));
        assertNotEquals(policy.version(), lenient.version());
    }

    @Test
    void thresholdsArePerField() {
        VerificationPolicy strictName = new VerificationPolicy(new PolicySettings("strict", Map.of(MatchField.LEGAL_NAME, 85),
                Set.of(MatchField.LEGAL_NAME), Combination.ALL_COMPARED, 1, 50, 80));
        assertEquals(Outcome.NEEDS_REVIEW, strictName.decideMatch(scores(80, null, null, null), ALL, Method.IDENTITY_MATCH).outcome());
        assertEquals(Outcome.VERIFIED, strictName.decideMatch(scores(85, null, null, null), ALL, Method.IDENTITY_MATCH).outcome());
    }

    @Test
    void theVersionChangesWithAnySetting() {
        PolicySettings d = PolicySettings.defaults();
        String v = new VerificationPolicy(d).version();
        assertEquals(v, new VerificationPolicy(PolicySettings.defaults()).version());
        assertTrue(v.startsWith("default-"));
        assertNotEquals(v, new VerificationPolicy(new PolicySettings("default", d.thresholds(), d.required(), d.combination(),
                d.minOptionalPassing(), d.reviewFloor(), 90)).version());
    }

    @Test
    void statementWithAnotherAccountNumberFails() {
        DocumentEvidence doc = new DocumentEvidence("doc-1", "BANK_STATEMENT", false, 10, List.of());
        Decision d = policy.decideDocument(doc, scores(100, null, null, null), ALL);
        assertEquals(Outcome.FAILED, d.outcome());
        assertEquals(List.of("DOCUMENT_ACCOUNT_NUMBER_MISMATCH"), d.reasons());
        assertEquals("doc-1", d.evidence().at("/document/document_id").asText());
    }

    @Test
    void highRiskStatementFailsAndKeepsTheSignals() {
        DocumentEvidence doc = new DocumentEvidence("doc-2", "BANK_STATEMENT", true, 80, List.of(
                new DocumentEvidence.RiskSignal("SOFTWARE_BLACKLIST", true, "Adobe Acrobat", 0)));
        Decision d = policy.decideDocument(doc, scores(100, null, null, null), ALL);
        assertEquals(Outcome.FAILED, d.outcome());
        assertEquals(List.of("DOCUMENT_HIGH_RISK"), d.reasons());
        assertEquals("SOFTWARE_BLACKLIST", d.evidence().at("/document/risk_signals/0/type").asText());
        assertTrue(policy.isHighRisk(doc));
    }

    @Test
    void cleanStatementIsDecidedByTheOwnersOnIt() {
        DocumentEvidence doc = new DocumentEvidence("doc-3", "BANK_STATEMENT", true, 12, List.of());
        Decision ok = policy.decideDocument(doc, scores(92, null, null, 95), ALL);
        assertEquals(Outcome.VERIFIED, ok.outcome());
        assertEquals(Method.DOCUMENT_UPLOAD, ok.method());
        assertEquals(92, ok.evidence().at("/scores/legal_name/score").asInt());
        assertEquals(Outcome.FAILED, policy.decideDocument(doc, scores(20, null, null, null), ALL).outcome());
        DocumentEvidence unchecked = new DocumentEvidence("doc-4", "BANK_STATEMENT", null, null, List.of());
        assertEquals(Outcome.NEEDS_REVIEW, policy.decideDocument(unchecked, scores(100, null, null, null), ALL).outcome());
    }

    @Test
    void databaseInsightsStatuses() {
        assertEquals(Outcome.VERIFIED, policy.decideAuth(new AuthEvidence("database_insights_pass", null), false).outcome());
        assertEquals(Outcome.FAILED, policy.decideAuth(new AuthEvidence("database_insights_fail", null), false).outcome());
        Decision caution = policy.decideAuth(new AuthEvidence("database_insights_pass_with_caution",
                JsonNodeFactory.instance.objectNode().put("account_number_format", "valid")), false);
        assertEquals(Outcome.NEEDS_REVIEW, caution.outcome());
        assertEquals(NextStep.DOCUMENT_UPLOAD, caution.nextStep());
        assertEquals(Method.DATABASE_INSIGHTS, caution.method());
        assertEquals("valid", caution.evidence().at("/verification_insights/account_number_format").asText());
        assertNull(policy.decideAuth(new AuthEvidence(null, null), true));
        assertNull(policy.decideAuth(new AuthEvidence("pending_automatic_verification", null), true));
        assertEquals(Method.MICRO_DEPOSITS, policy.decideAuth(new AuthEvidence("automatically_verified", null), false).method());
        assertEquals(Outcome.FAILED, policy.decideAuth(new AuthEvidence("verification_expired", null), false).outcome());
    }

    @Test
    void cautionIsSettledByTheSecondSignal() {
        AuthEvidence caution = new AuthEvidence("database_insights_pass_with_caution", null);
        Decision match = policy.decideMatch(scores(95, null, null, null), ALL, Method.IDENTITY_MATCH);
        Decision d = policy.withCaution(caution, match);
        assertEquals(Outcome.VERIFIED, d.outcome());
        assertEquals("DATABASE_INSIGHTS_PASS_WITH_CAUTION", d.reasons().get(0));
        Decision unsupported = policy.withCaution(caution, policy.unsupported("PRODUCTS_NOT_SUPPORTED"));
        assertEquals(Outcome.NEEDS_REVIEW, unsupported.outcome());
        assertEquals(NextStep.DOCUMENT_UPLOAD, unsupported.nextStep());
    }

    @Test
    void unsupportedOffersDocumentUpload() {
        Decision d = policy.unsupported("PRODUCTS_NOT_SUPPORTED");
        assertEquals(Outcome.UNSUPPORTED, d.outcome());
        assertEquals(NextStep.DOCUMENT_UPLOAD, d.nextStep());
        assertEquals("unsupported", d.outcome().wire());
    }
}
