package dev.tartan.contracts.churn;

/** Why an Item is removed, and the {@code reason_code} Plaid's {@code /item/remove} gets for it. */
public enum RemovalReason {
    INACTIVITY("OTHER", false),
    UNANSWERED_REMINDERS("CONNECTION_IS_NON_FUNCTIONAL", false),
    UNRESOLVED_ERROR("CONNECTION_IS_NON_FUNCTIONAL", false),
    USER_REQUEST("OTHER", true),
    FRAUD_FIRST_PARTY("FRAUD_FIRST_PARTY", true),
    FRAUD_FALSE_IDENTITY("FRAUD_FALSE_IDENTITY", true),
    FRAUD_OTHER("FRAUD_OTHER", true);

    private final String plaidReasonCode;
    private final boolean urgent;

    RemovalReason(String plaidReasonCode, boolean urgent) {
        this.plaidReasonCode = plaidReasonCode;
        this.urgent = urgent;
    }

    /** The value of Plaid's {@code ItemRemoveReasonCode}. */
    public String plaidReasonCode() {
        return plaidReasonCode;
    }

    /** Urgent removals are not deferred to the end of the billing month. */
    public boolean urgent() {
        return urgent;
    }
}
