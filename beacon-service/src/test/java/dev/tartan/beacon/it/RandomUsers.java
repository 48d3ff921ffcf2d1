package dev.tartan.beacon.it;

import dev.tartan.beacon.user.UserData;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Randomly generated user data, as the Beacon guide asks of automated tests (re-using sandbox users degrades
 * Beacon). Every generated value is remembered so a test can scan logs and events for it.
 */
public final class RandomUsers {

    private static final List<String> GIVEN = List.of("Ann", "April", "Andy", "Ben", "Chris", "Donna", "Jerry", "Ron", "Tom",
            "Craig", "Ethel", "Garry", "Mona", "Jean", "Orin", "Shauna", "Dave", "Marcia", "Joan", "Bobby");
    private static final List<String> FAMILY = List.of("Perkins", "Ludgate", "Dwyer", "Wyatt", "Traeger", "Meagle", "Gergich",
            "Swanson", "Haverford", "Middlesworth", "Beavers", "Saperstein", "Malone", "Sanderson", "Newport", "Kernan");
    private static final List<String> STREETS = List.of("Elm", "Oak", "Maple", "Cedar", "Birch", "Walnut", "Spruce", "Chestnut");

    /** Every PII value handed out, for leak scans. */
    public static final Set<String> GENERATED = ConcurrentHashMap.newKeySet();

    private RandomUsers() {
    }

    public static String clientUserId() {
        return "usr-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    public static UserData random() {
        return random(pick(GIVEN) + suffix(), pick(FAMILY) + suffix());
    }

    /** Random data under a chosen name (Leslie Knope for Beacon hits). */
    public static UserData random(String given, String family) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        LocalDate dob = LocalDate.of(1950 + r.nextInt(50), 1 + r.nextInt(12), 1 + r.nextInt(28));
        String street = (100 + r.nextInt(9000)) + " " + pick(STREETS) + suffix() + " St";
        String email = "u" + Long.toHexString(r.nextLong() & Long.MAX_VALUE) + "@example.com";
        String phone = "+1555" + (1000000 + r.nextInt(8999999));
        String ssn = String.valueOf(100000000 + r.nextInt(799999999));
        String ip = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        UserData d = new UserData(new UserData.Name(given, family), dob,
                new UserData.Address(street, null, "Pawnee" + suffix(), "IN", String.valueOf(46000 + r.nextInt(999)), "US"),
                email, phone, new UserData.IdNumber(ssn, "us_ssn"), ip, null);
        remember(d);
        return d;
    }

    public static void remember(UserData d) {
        if (d.name() != null) {
            if (!d.name().givenName().equalsIgnoreCase("leslie")) {
                GENERATED.add(d.name().givenName());
            }
            if (!d.name().familyName().equalsIgnoreCase("knope")) {
                GENERATED.add(d.name().familyName());
            }
        }
        if (d.address() != null) {
            GENERATED.add(d.address().street());
        }
        if (d.emailAddress() != null) {
            GENERATED.add(d.emailAddress());
        }
        if (d.phoneNumber() != null) {
            GENERATED.add(d.phoneNumber());
        }
        if (d.idNumber() != null) {
            GENERATED.add(d.idNumber().value());
        }
        if (d.ipAddress() != null) {
            GENERATED.add(d.ipAddress());
        }
    }

    private static String suffix() {
        // letters only, so names stay names; long enough to be unique and greppable
        StringBuilder sb = new StringBuilder();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    private static String pick(List<String> l) {
        return l.get(ThreadLocalRandom.current().nextInt(l.size()));
    }
}
