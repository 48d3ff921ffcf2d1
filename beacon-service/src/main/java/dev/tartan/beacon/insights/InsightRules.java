package dev.tartan.beacon.insights;

import java.util.ArrayList;
import java.util.List;

/**
 * Configurable rules on Beacon Account Insights: each account that trips one yields a signal, and any signal
 * sends the Item to the fraud team.
 */
public record InsightRules(int maxPiiChanges28d, int maxFailedLogins7d, int minAccountAgeDays, boolean flagClosedOrFrozen) {

    /** One rule tripped by one account; {@code rule} is stable (used in evidence and metrics). */
    public record Signal(String accountId, String rule, String detail) {
    }

    public List<Signal> evaluate(List<RiskSignals> accounts) {
        List<Signal> signals = new ArrayList<>();
        for (RiskSignals a : accounts) {
            if (maxPiiChanges28d > 0 && a.piiChanges28d() >= maxPiiChanges28d) {
                signals.add(new Signal(a.accountId(), "RECENT_PII_CHANGES",
                        a.piiChanges28d() + " address/email/phone changes in 28 days (limit " + maxPiiChanges28d + ")"));
            }
            if (maxFailedLogins7d > 0 && a.failedLoginAttempts7d() != null && a.failedLoginAttempts7d() >= maxFailedLogins7d) {
                signals.add(new Signal(a.accountId(), "FAILED_LOGINS",
                        a.failedLoginAttempts7d() + " failed logins in 7 days (limit " + maxFailedLogins7d + ")"));
            }
            if (minAccountAgeDays > 0 && a.daysSinceAccountOpening() != null && a.daysSinceAccountOpening() < minAccountAgeDays) {
                signals.add(new Signal(a.accountId(), "NEW_ACCOUNT",
                        "account opened " + a.daysSinceAccountOpening() + " days ago (minimum " + minAccountAgeDays + ")"));
            }
            if (flagClosedOrFrozen && (Boolean.TRUE.equals(a.accountClosed()) || Boolean.TRUE.equals(a.accountFrozenOrRestricted()))) {
                signals.add(new Signal(a.accountId(), "ACCOUNT_CLOSED_OR_FROZEN", "account is closed, frozen or restricted"));
            }
        }
        return signals;
    }
}
