package dev.tartan.emulator.identity;

import dev.tartan.emulator.user.Owner;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Identity Match scoring, 0–100 per field, within the bands of Plaid's Identity guide:
 * <ul>
 *   <li>name: 100 exact; 85–99 spelling error, nickname or missing middle name/prefix/suffix; 70–84 nickname plus
 *       spelling error; 50–69 likely relative (same last name); 0–49 unlikely;</li>
 *   <li>phone: 100 exact; 90–99 same number, other formatting; 70–89 missing country code; 0–69 different;</li>
 *   <li>email: 100 exact; 70–99 partial ({@code +} tags, dots, case); &lt;70 mismatch;</li>
 *   <li>address: 100 exact (after standard abbreviations); 90–99 strong; 70–89 partial; &lt;70 weak.</li>
 * </ul>
 * Scores are null when either side has no data; with several owners the best score wins.
 */
public final class IdentityMatcher {
    /** Common given-name nicknames (both directions are looked up). */
    private static final Map<String, Set<String>> NICKNAMES = Map.ofEntries(
            Map.entry("andrew", Set.of("andy", "drew")), Map.entry("robert", Set.of("bob", "rob", "bobby", "robbie")),
            Map.entry("william", Set.of("bill", "will", "billy", "liam")), Map.entry("elizabeth", Set.of("liz",
                    "beth", "betty", "eliza", "lizzie")), Map.entry("alberta", Set.of("bertie", "allie", "berta")),
            Map.entry("richard", Set.of("rick", "dick", "rich", "richie")), Map.entry("james", Set.of("jim",
                    "jimmy", "jamie")), Map.entry("margaret", Set.of("maggie", "meg", "peggy")),
            Map.entry("katherine", Set.of("kate", "kathy", "katie")), Map.entry("michael", Set.of("mike", "mikey")),
            Map.entry("jennifer", Set.of("jen", "jenny")), Map.entry("thomas", Set.of("tom", "tommy")),
            Map.entry("joseph", Set.of("joe", "joey")), Map.entry("daniel", Set.of("dan", "danny")),
            Map.entry("christopher", Set.of("chris")), Map.entry("leslie", Set.of("les")),
            Map.entry("alexander", Set.of("alex", "sasha")), Map.entry("benjamin", Set.of("ben", "benny")));

    private static final Set<String> NAME_NOISE = Set.of("mr", "mrs", "ms", "miss", "dr", "jr", "sr", "ii", "iii",
            "iv", "phd", "md");
    private static final Set<String> BUSINESS_MARKERS = Set.of("corp", "corporation", "llc", "inc", "incorporated",
            "ltd", "limited", "co", "company", "lp", "llp", "plc", "gmbh");
    private static final Map<String, String> STREET_ABBREVIATIONS = Map.ofEntries(
            Map.entry("road", "rd"), Map.entry("street", "st"), Map.entry("avenue", "ave"), Map.entry("drive", "dr"),
            Map.entry("boulevard", "blvd"), Map.entry("lane", "ln"), Map.entry("court", "ct"),
            Map.entry("place", "pl"), Map.entry("terrace", "ter"), Map.entry("highway", "hwy"),
            Map.entry("parkway", "pkwy"), Map.entry("circle", "cir"), Map.entry("square", "sq"),
            Map.entry("north", "n"), Map.entry("south", "s"), Map.entry("east", "e"), Map.entry("west", "w"),
            Map.entry("apartment", "apt"), Map.entry("suite", "ste"));

    private IdentityMatcher() {
    }

    /** A name score with Plaid's flags. */
    public record NameScore(Integer score, Boolean firstOrLastNameMatch, Boolean nicknameMatch,
                            Boolean businessNameDetected) {
    }

    /** An address score with the postal-code flag. */
    public record AddressScore(Integer score, Boolean postalCodeMatch) {
    }

    /** The address the user gave (all parts optional). */
    public record UserAddress(String street, String city, String region, String postalCode, String country) {
    }

    // ---------- names ----------

    public static NameScore name(String given, List<Owner> owners) {
        if (given == null || given.isBlank()) {
            return null;
        }
        NameScore best = null;
        for (Owner owner : owners) {
            for (String onFile : owner.names()) {
                NameScore s = name(given, onFile);
                if (best == null || s.score() > best.score()) {
                    best = s;
                }
            }
        }
        return best;
    }

    static NameScore name(String given, String onFile) {
        List<String> a = nameTokens(given);
        List<String> b = nameTokens(onFile);
        boolean business = hasBusinessMarker(given) || hasBusinessMarker(onFile);
        if (a.isEmpty() || b.isEmpty()) {
            return new NameScore(0, false, false, business);
        }
        if (a.equals(b)) {
            return new NameScore(100, true, false, business);
        }
        String firstA = a.get(0);
        String lastA = a.get(a.size() - 1);
        String firstB = b.get(0);
        String lastB = b.get(b.size() - 1);
        boolean firstEq = firstA.equals(firstB);
        boolean lastEq = lastA.equals(lastB);
        boolean nickname = !firstEq && isNickname(firstA, firstB);
        int firstTypos = firstEq || nickname ? 0 : levenshtein(firstA, firstB);
        int lastTypos = lastEq ? 0 : levenshtein(lastA, lastB);
        boolean firstClose = firstEq || nickname || firstTypos <= typoBudget(firstA, firstB);
        boolean lastClose = lastEq || lastTypos <= typoBudget(lastA, lastB);
        boolean firstOrLast = firstEq || lastEq;
        int score;
        if (firstEq && lastEq) {
            score = 95; // same first and last name; middle name, prefix or suffix missing or different
        } else if (nickname && lastEq) {
            score = 90;
        } else if (firstClose && lastClose && !nickname) {
            score = Math.max(85, 97 - 4 * (firstTypos + lastTypos)); // spelling error
        } else if (nickname && lastClose) {
            score = Math.max(70, 82 - 4 * lastTypos); // nickname and spelling error
        } else if (lastEq) {
            score = 60; // likely a relative
        } else if (firstEq) {
            score = 50;
        } else {
            double similarity = 1.0 - (double) levenshtein(String.join(" ", a), String.join(" ", b))
                    / Math.max(String.join(" ", a).length(), String.join(" ", b).length());
            score = (int) Math.round(Math.max(0, similarity) * 45);
        }
        return new NameScore(score, firstOrLast, nickname, business);
    }

    private static int typoBudget(String x, String y) {
        return Math.max(x.length(), y.length()) >= 5 ? 2 : 1;
    }

    private static boolean isNickname(String a, String b) {
        return NICKNAMES.getOrDefault(a, Set.of()).contains(b) || NICKNAMES.getOrDefault(b, Set.of()).contains(a);
    }

    private static List<String> nameTokens(String name) {
        List<String> out = new ArrayList<>();
        for (String t : fold(name).split("[^a-z0-9]+")) {
            if (!t.isEmpty() && !NAME_NOISE.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private static boolean hasBusinessMarker(String name) {
        return Arrays.stream(fold(name).split("[^a-z0-9]+")).anyMatch(BUSINESS_MARKERS::contains);
    }

    // ---------- phones ----------

    public static Integer phone(String given, List<Owner> owners) {
        if (given == null || given.isBlank()) {
            return null;
        }
        Integer best = null;
        for (Owner owner : owners) {
            for (Owner.Phone p : owner.phoneNumbers()) {
                int s = phone(given, p.data());
                best = best == null ? s : Math.max(best, s);
            }
        }
        return best;
    }

    static int phone(String given, String onFile) {
        String a = given.replaceAll("[^0-9+]", "");
        String b = onFile.replaceAll("[^0-9+]", "");
        if (a.equals(b)) {
            return 100; // same number; separators (spaces, dashes, dots, parentheses) do not count
        }
        String da = a.replace("+", "");
        String db = b.replace("+", "");
        if (da.equals(db)) {
            return 95; // same digits, "+" missing on one side
        }
        String na = national(da);
        String nb = national(db);
        if (na.equals(nb)) {
            return 85; // country code missing on one side
        }
        int same = 0;
        int len = Math.max(na.length(), nb.length());
        for (int i = 0; i < Math.min(na.length(), nb.length()); i++) {
            if (na.charAt(na.length() - 1 - i) == nb.charAt(nb.length() - 1 - i)) {
                same++;
            }
        }
        return (int) Math.round(60.0 * same / Math.max(1, len));
    }

    private static String national(String digits) {
        return digits.length() == 11 && digits.startsWith("1") ? digits.substring(1) : digits;
    }

    // ---------- emails ----------

    public static Integer email(String given, List<Owner> owners) {
        if (given == null || given.isBlank()) {
            return null;
        }
        Integer best = null;
        for (Owner owner : owners) {
            for (Owner.Email e : owner.emails()) {
                int s = email(given, e.data());
                best = best == null ? s : Math.max(best, s);
            }
        }
        return best;
    }

    static int email(String given, String onFile) {
        String a = given.trim();
        String b = onFile.trim();
        if (a.equals(b)) {
            return 100;
        }
        if (a.equalsIgnoreCase(b)) {
            return 97;
        }
        String[] pa = a.toLowerCase(Locale.ROOT).split("@", 2);
        String[] pb = b.toLowerCase(Locale.ROOT).split("@", 2);
        if (pa.length < 2 || pb.length < 2) {
            return 0;
        }
        String la = pa[0].replaceAll("\\+.*$", "").replace(".", "");
        String lb = pb[0].replaceAll("\\+.*$", "").replace(".", "");
        if (la.equals(lb) && pa[1].equals(pb[1])) {
            return 90; // "+" tags or dots in the local part
        }
        if (la.equals(lb)) {
            return 60; // same mailbox name, other domain
        }
        double similarity = 1.0 - (double) levenshtein(a.toLowerCase(Locale.ROOT), b.toLowerCase(Locale.ROOT))
                / Math.max(a.length(), b.length());
        return (int) Math.round(Math.max(0, similarity) * 55);
    }

    // ---------- addresses ----------

    public static AddressScore address(UserAddress given, List<Owner> owners) {
        if (given == null || given.street() == null && given.city() == null && given.postalCode() == null) {
            return null;
        }
        AddressScore best = null;
        for (Owner owner : owners) {
            for (Owner.Address a : owner.addresses()) {
                AddressScore s = address(given, a);
                if (best == null || s.score() > best.score()) {
                    best = s;
                }
            }
        }
        return best;
    }

    static AddressScore address(UserAddress given, Owner.Address onFile) {
        String zipA = zip(given.postalCode());
        String zipB = zip(onFile.postalCode());
        Boolean postalMatch = zipA == null || zipB == null ? null : zipA.equals(zipB);
        String streetA = street(given.street());
        String streetB = street(onFile.street());
        boolean streetEq = !streetA.isEmpty() && streetA.equals(streetB);
        int streetTypos = streetEq ? 0 : levenshtein(streetA, streetB);
        boolean sameNumber = houseNumber(streetA).equals(houseNumber(streetB)) && !houseNumber(streetA).isEmpty();
        boolean cityEq = eqOrMissing(given.city(), onFile.city());
        boolean regionEq = eqOrMissing(given.region(), onFile.region());
        int score;
        if (streetEq && cityEq && regionEq && !Boolean.FALSE.equals(postalMatch)) {
            score = given.city() != null && given.region() != null && postalMatch != null ? 100 : 95;
        } else if (streetEq && !Boolean.FALSE.equals(postalMatch)) {
            score = 92; // same street and postal code; city or region written differently
        } else if (sameNumber && streetTypos <= 3 && !Boolean.FALSE.equals(postalMatch)) {
            score = 85 - 3 * streetTypos; // spelling error in the street
        } else if (streetEq || sameNumber && streetTypos <= 3) {
            score = 72; // street matches, postal code does not
        } else if (Boolean.TRUE.equals(postalMatch)) {
            score = 45; // same area only
        } else {
            score = cityEq && given.city() != null ? 25 : 5;
        }
        return new AddressScore(score, postalMatch);
    }

    private static boolean eqOrMissing(String a, String b) {
        return a == null || b == null || fold(a).trim().equals(fold(b).trim());
    }

    private static String zip(String postal) {
        if (postal == null || postal.isBlank()) {
            return null;
        }
        String p = postal.replaceAll("\\s", "");
        return p.length() > 5 && p.matches("\\d{5}-?\\d{4}") ? p.substring(0, 5) : p.toUpperCase(Locale.ROOT);
    }

    private static String street(String street) {
        if (street == null) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (String t : fold(street).split("[^a-z0-9]+")) {
            if (!t.isEmpty()) {
                out.add(STREET_ABBREVIATIONS.getOrDefault(t, t));
            }
        }
        return String.join(" ", out);
    }

    private static String houseNumber(String normalizedStreet) {
        String first = normalizedStreet.split(" ")[0];
        return first.matches("\\d+[a-z]?") ? first : "";
    }

    // ---------- helpers ----------

    private static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
