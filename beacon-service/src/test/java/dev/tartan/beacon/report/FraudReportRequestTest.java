package dev.tartan.beacon.report;

import dev.tartan.beacon.review.StatusApplier;
import dev.tartan.contracts.churn.RemovalReason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FraudReportRequestTest {

    static final LocalDate TODAY = LocalDate.of(2026, 3, 1);

    @Test
    void validReportsPass() {
        assertTrue(new FraudReportRequest("first_party", TODAY, null).validate(TODAY).isEmpty());
        assertTrue(new FraudReportRequest("stolen", TODAY.minusDays(3), new FraudReportRequest.Amount(new BigDecimal("125.50"), "USD"))
                .validate(TODAY).isEmpty());
        assertTrue(new FraudReportRequest("unknown", TODAY, new FraudReportRequest.Amount(BigDecimal.ZERO, "USD")).validate(TODAY).isEmpty());
    }

    @Test
    void eachRuleIsNamed() {
        assertEquals(1, new FraudReportRequest("chargeback", TODAY, null).validate(TODAY).size());
        assertTrue(new FraudReportRequest("stolen", null, null).validate(TODAY).get(0).contains("fraud_date"));
        assertTrue(new FraudReportRequest("stolen", TODAY.plusDays(1), null).validate(TODAY).get(0).contains("future"));
        assertTrue(new FraudReportRequest("stolen", TODAY, new FraudReportRequest.Amount(new BigDecimal("1.005"), "USD"))
                .validate(TODAY).get(0).contains("two decimals"));
        assertTrue(new FraudReportRequest("stolen", TODAY, new FraudReportRequest.Amount(new BigDecimal("-1"), "USD"))
                .validate(TODAY).get(0).contains("negative"));
        assertTrue(new FraudReportRequest("stolen", TODAY, new FraudReportRequest.Amount(new BigDecimal("10"), "EUR"))
                .validate(TODAY).get(0).contains("USD"));
        assertTrue(new FraudReportRequest("stolen", TODAY, new FraudReportRequest.Amount(null, "USD"))
                .validate(TODAY).get(0).contains("value"));
    }

    @Test
    void removalReasonFollowsReportTypes() {
        assertEquals(RemovalReason.FRAUD_FIRST_PARTY, StatusApplier.removalReason(List.of("stolen", "first_party"), RemovalReason.FRAUD_OTHER));
        assertEquals(RemovalReason.FRAUD_FALSE_IDENTITY, StatusApplier.removalReason(List.of("synthetic"), RemovalReason.FRAUD_OTHER));
        assertEquals(RemovalReason.FRAUD_OTHER, StatusApplier.removalReason(List.of(), RemovalReason.FRAUD_OTHER));
        assertEquals(RemovalReason.FRAUD_OTHER, StatusApplier.removalReason(List.of("data_breach"), null));
    }
}
