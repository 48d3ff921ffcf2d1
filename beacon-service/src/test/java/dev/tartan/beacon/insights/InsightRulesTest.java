package dev.tartan.beacon.insights;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InsightRulesTest {

    final InsightRules rules = new InsightRules(2, 3, 30, true);

    @Test
    void quietAccountTripsNothing() {
        assertTrue(rules.evaluate(List.of(new RiskSignals("a", 0, 1, 0, 0, 400, false, false))).isEmpty());
        assertTrue(rules.evaluate(List.of(new RiskSignals("a", null, null, null, null, null, null, null))).isEmpty());
    }

    @Test
    void eachRuleTrips() {
        assertEquals("RECENT_PII_CHANGES", rules.evaluate(List.of(new RiskSignals("a", 1, 1, 0, 0, 400, false, false))).get(0).rule());
        assertEquals("FAILED_LOGINS", rules.evaluate(List.of(new RiskSignals("a", 0, 0, 0, 3, 400, false, false))).get(0).rule());
        assertEquals("NEW_ACCOUNT", rules.evaluate(List.of(new RiskSignals("a", 0, 0, 0, 0, 5, false, false))).get(0).rule());
        assertEquals("ACCOUNT_CLOSED_OR_FROZEN", rules.evaluate(List.of(new RiskSignals("a", 0, 0, 0, 0, 400, false, true))).get(0).rule());
    }

    @Test
    void zeroDisablesARule() {
        InsightRules off = new InsightRules(0, 0, 0, false);
        assertTrue(off.evaluate(List.of(new RiskSignals("a", 9, 9, 9, 9, 1, true, true))).isEmpty());
    }
}
