package dev.tartan.emulator.institution;

import dev.tartan.emulator.item.Account;

import java.util.List;

/** The accounts Plaid's sandbox gives {@code user_good} at every non-OAuth institution. */
public final class SandboxAccounts {
    /** Routing numbers of the sandbox accounts ({@code /auth/get} sample in Plaid's docs). */
    public static final String ROUTING = "011401533";
    public static final String WIRE_ROUTING = "021000021";

    private SandboxAccounts() {
    }

    /** Templates: ids are assigned per Item ({@link Account#withNewId()}). */
    public static List<Account> defaults() {
        return List.of(
                account("Plaid Checking", "Plaid Gold Standard 0% Interest Checking", "0000", "depository",
                        "checking", 100.0, 110.0, null),
                account("Plaid Saving", "Plaid Silver Standard 0.1% Interest Saving", "1111", "depository",
                        "savings", 200.0, 210.0, null),
                account("Plaid CD", "Plaid Bronze Standard 0.2% Interest CD", "2222", "depository", "cd",
                        null, 1000.0, null),
                account("Plaid Credit Card", "Plaid Diamond 12.5% APR Interest Credit Card", "3333", "credit",
                        "credit card", null, 410.0, 2000.0),
                account("Plaid Money Market", "Plaid Platinum Standard 1.85% Interest Money Market", "4444",
                        "depository", "money market", 43200.0, 43200.0, null));
    }

    /** Every account number the sandbox network knows: Database Insights answers "pass" for these. */
    public static List<String> knownAccountNumbers() {
        return defaults().stream().map(Account::accountNumber).filter(n -> n != null).toList();
    }

    public static Account account(String name, String officialName, String mask, String type, String subtype,
                                  Double available, Double current, Double limit) {
        String number = "depository".equals(type) ? "111122223333" + mask : null;
        return new Account(null, name, officialName, mask, type, subtype, available, current, limit, number,
                number == null ? null : ROUTING, number == null ? null : WIRE_ROUTING, null, null);
    }
}
