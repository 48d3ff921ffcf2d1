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

    public boolean isDepository() {
        return "depository".equals(type);
    }
}
