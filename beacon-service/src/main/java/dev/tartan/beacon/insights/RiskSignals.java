package dev.tartan.beacon.insights;

/**
 * The Beacon Account Insights attributes of one account that Tartan's rules read (all nullable: Plaid
 * omits what it does not know).
 */
public record RiskSignals(String accountId, Integer addressChangeCount28d, Integer emailChangeCount28d,
                          Integer phoneChangeCount28d, Integer failedLoginAttempts7d, Integer daysSinceAccountOpening,
                          Boolean accountClosed, Boolean accountFrozenOrRestricted) {

    /** Sum of the 28-day PII change counts, treating unknown as zero. */
    public int piiChanges28d() {
        return n(addressChangeCount28d) + n(emailChangeCount28d) + n(phoneChangeCount28d);
    }

    private static int n(Integer v) {
        return v == null ? 0 : v;
    }
}
