package dev.tartan.emulator.item;

import dev.tartan.emulator.api.Ids;

/**
 * An account of an Item. {@code accountNumber}/{@code routingNumber} feed {@code /auth/get};
 * {@code verificationStatus} is set only for Database Insights Items.
 */
public record Account(String accountId, String name, String officialName, String mask, String type, String subtype,
                      Double available, Double current, Double limit, String accountNumber, String routingNumber,
                      String wireRouting, String verificationStatus, DatabaseInsight databaseInsight) {

    /** The result of a Database Insights check, kept with the account it verified. */
    public record DatabaseInsight(boolean hasNumbersMatch, boolean isNumbersMatchVerified,
                                  boolean hasPreviousAdministrativeReturn, String accountNumberFormat) {
    }

    /** A template account given fresh ids (each Item gets its own account ids, as at Plaid). */
    public Account withNewId() {
        return new Account(Ids.plaidId(), name, officialName, mask, type, subtype, available, current, limit,
                accountNumber, routingNumber, wireRouting, verificationStatus, databaseInsight);
    }

    /** The same account with another {@code verification_status} (micro-deposits verified or expired). */
    public Account withVerificationStatus(String status) {
        return new Account(accountId, name, officialName, mask, type, subtype, available, current, limit,
                accountNumber, routingNumber, wireRouting, status, databaseInsight);
    }

    /** The same account under a new account number (the bank changed it: AUTH DEFAULT_UPDATE); the mask follows. */
    public Account withAccountNumber(String number) {
        String newMask = number.length() >= 4 ? number.substring(number.length() - 4) : number;
        return new Account(accountId, name, officialName, newMask, type, subtype, available, current, limit,
                number, routingNumber, wireRouting, verificationStatus, databaseInsight);
    }

    /** Whether Auth data is not available yet: micro-deposits not verified ({@code /auth/get} is PRODUCT_NOT_READY). */
    public boolean authPending() {
        return "pending_automatic_verification".equals(verificationStatus)
                || "pending_manual_verification".equals(verificationStatus) || "unsent".equals(verificationStatus);
    }

    /** Whether micro-deposit verification ended without success: no usable numbers. */
    public boolean authUnverified() {
        return "verification_expired".equals(verificationStatus) || "verification_failed".equals(verificationStatus);
    }

    public boolean isDepository() {
        return "depository".equals(type);
    }
}
