package dev.tartan.emulator.auth;

import dev.tartan.emulator.institution.SandboxAccounts;
import dev.tartan.emulator.item.Account;

/**
 * Database Insights verification of a manually entered account, following the statuses Plaid documents:
 * <ul>
 *   <li>{@code database_insights_pass}: the numbers are known on the (sandbox) network — the account numbers of the
 *       sandbox accounts, e.g. {@code 1111222233330000};</li>
 *   <li>{@code database_insights_pass_with_caution}: not known, but the routing number is valid (ABA checksum) and
 *       the account number plausible (4–17 digits);</li>
 *   <li>{@code database_insights_fail}: invalid routing number or implausible account number.</li>
 * </ul>
 */
public final class DatabaseInsights {
    private DatabaseInsights() {
    }

    /** The manual account as Plaid reports it after the check (name "Checking …mask", numbers as entered). */
    public static Account evaluate(String accountNumber, String routingNumber, String subtype) {
        String number = accountNumber == null ? "" : accountNumber.trim();
        String routing = routingNumber == null ? SandboxAccounts.ROUTING : routingNumber.trim();
        boolean formatValid = number.matches("\\d{4,17}");
        boolean routingValid = isValidAbaRouting(routing);
        boolean known = routing.equals(SandboxAccounts.ROUTING) && SandboxAccounts.knownAccountNumbers().contains(number);
        String status;
        Account.DatabaseInsight insight;
        if (known) {
            status = "database_insights_pass";
            insight = new Account.DatabaseInsight(true, true, false, "valid");
        } else if (formatValid && routingValid) {
            status = "database_insights_pass_with_caution";
            insight = new Account.DatabaseInsight(false, false, false, "valid");
        } else {
            status = "database_insights_fail";
            insight = new Account.DatabaseInsight(false, false, false, formatValid ? "unknown" : "invalid");
        }
        String kind = subtype == null ? "checking" : subtype;
        String mask = number.length() >= 4 ? number.substring(number.length() - 4) : number;
        String label = Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " ..." + mask;
        return new Account(null, label, null, mask, "depository", kind, null, null, null, number, routing, null,
                status, insight);
    }

    /** ABA routing number checksum: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). */
    public static boolean isValidAbaRouting(String routing) {
        if (routing == null || !routing.matches("\\d{9}")) {
            return false;
        }
        int[] d = routing.chars().map(c -> c - '0').toArray();
        int sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
        return sum % 10 == 0;
    }
}
