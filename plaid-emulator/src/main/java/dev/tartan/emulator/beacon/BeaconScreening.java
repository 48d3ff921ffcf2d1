package dev.tartan.emulator.beacon;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How two Beacon identities compare, per field, in Plaid's match codes ({@code match}, {@code partial_match},
 * {@code no_match}, {@code no_data}), and the sandbox network's one known fraudster, Leslie Knope (Plaid's Sandbox test
 * user that produces Beacon hits).
 */
final class BeaconScreening {
    /** Leslie Knope as the network knows her (Plaid's Identity Verification sandbox data). */
    static final BeaconUser.Data LESLIE_KNOPE = new BeaconUser.Data("Leslie", "Knope", LocalDate.of(1975, 1, 18),
            new BeaconUser.Address("123 Main St.", null, "Pawnee", "IN", "46001", "US"), null, "+12345678909",
            new BeaconUser.IdNumber("123456789", "us_ssn"), null, java.util.List.of());

    private BeaconScreening() {
    }

    static boolean isLeslieKnope(BeaconUser.Data d) {
        return d.givenName() != null && d.familyName() != null
                && d.givenName().trim().equalsIgnoreCase("leslie") && d.familyName().trim().equalsIgnoreCase("knope");
    }

    /** The seven-field analysis of {@code a} against {@code b}. */
    static Map<String, String> analysis(BeaconUser.Data a, BeaconUser.Data b) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("address", address(a.address(), b.address()));
        out.put("date_of_birth", a.dateOfBirth() == null || b.dateOfBirth() == null ? "no_data"
                : a.dateOfBirth().equals(b.dateOfBirth()) ? "match"
                : a.dateOfBirth().getYear() == b.dateOfBirth().getYear() ? "partial_match" : "no_match");
        out.put("email_address", simple(lower(a.email()), lower(b.email())));
        out.put("name", name(a, b));
        out.put("id_number", a.idNumber() == null || b.idNumber() == null ? "no_data"
                : digits(a.idNumber().value()).equals(digits(b.idNumber().value())) ? "match"
                : digits(a.idNumber().value()).endsWith(last4(b.idNumber().value()))
                || digits(b.idNumber().value()).endsWith(last4(a.idNumber().value())) ? "partial_match" : "no_match");
        out.put("ip_address", simple(a.ipAddress(), b.ipAddress()));
        out.put("phone_number", a.phone() == null || b.phone() == null ? "no_data"
                : national(a.phone()).equals(national(b.phone())) ? "match" : "no_match");
        return out;
    }

    /**
     * Whether two users share identifying data (Plaid's duplicate detection): the same id number, email, phone or
     * bank account, or the same name and date of birth.
     */
    static boolean sharesIdentifyingData(BeaconUser.Data a, BeaconUser.Data b) {
        Map<String, String> an = analysis(a, b);
        boolean sameAccount = a.accounts().stream().anyMatch(x -> b.accounts().stream().anyMatch(y ->
                x.accountNumber().equals(y.accountNumber()) && x.routingNumber().equals(y.routingNumber())));
        return "match".equals(an.get("id_number")) || "match".equals(an.get("email_address"))
                || "match".equals(an.get("phone_number")) || sameAccount
                || "match".equals(an.get("name")) && "match".equals(an.get("date_of_birth"));
    }

    private static String name(BeaconUser.Data a, BeaconUser.Data b) {
        if (a.familyName() == null || b.familyName() == null) {
            return "no_data";
        }
        boolean given = a.givenName().trim().equalsIgnoreCase(b.givenName().trim());
        boolean family = a.familyName().trim().equalsIgnoreCase(b.familyName().trim());
        return given && family ? "match" : given || family ? "partial_match" : "no_match";
    }

    private static String address(BeaconUser.Address a, BeaconUser.Address b) {
        if (a == null || b == null) {
            return "no_data";
        }
        boolean street = norm(a.street()).equals(norm(b.street()));
        boolean city = norm(a.city()).equals(norm(b.city()));
        boolean zip = Objects.equals(a.postalCode(), b.postalCode());
        return street && city ? "match" : street || city && zip ? "partial_match" : "no_match";
    }

    private static String simple(String a, String b) {
        return a == null || b == null ? "no_data" : a.equals(b) ? "match" : "no_match";
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String norm(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")
                .replace("street", "st").replace("road", "rd").replace("avenue", "ave");
    }

    private static String digits(String s) {
        return s == null ? "" : s.replaceAll("\\D", "");
    }

    private static String last4(String s) {
        String d = digits(s);
        return d.length() >= 4 ? d.substring(d.length() - 4) : d;
    }

    private static String national(String phone) {
        String d = digits(phone);
        return d.length() == 11 && d.startsWith("1") ? d.substring(1) : d;
    }
}
