package dev.tartan.identity.match;

import dev.tartan.identity.profile.PostalAddress;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Scores postal addresses in the bands Plaid publishes for {@code address}: 100 the same; 90-99 the same
 * address written differently (USPS street-suffix and directional abbreviations, case, punctuation);
 * 70-89 partial (a unit, city or region missing or different, a spelling slip in the street); below 70 weak.
 */
public final class AddressMatcher {

    /** USPS Publication 28 (appendix C1/C2) abbreviations for the commonest street suffixes, directionals and units. */
    private static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("street", "st"), Map.entry("str", "st"), Map.entry("road", "rd"), Map.entry("avenue", "ave"),
            Map.entry("av", "ave"), Map.entry("boulevard", "blvd"), Map.entry("drive", "dr"), Map.entry("lane", "ln"),
            Map.entry("court", "ct"), Map.entry("place", "pl"), Map.entry("terrace", "ter"), Map.entry("parkway", "pkwy"),
            Map.entry("highway", "hwy"), Map.entry("circle", "cir"), Map.entry("square", "sq"), Map.entry("trail", "trl"),
            Map.entry("crescent", "cres"), Map.entry("expressway", "expy"), Map.entry("freeway", "fwy"),
            Map.entry("mount", "mt"), Map.entry("point", "pt"), Map.entry("heights", "hts"),
            Map.entry("north", "n"), Map.entry("south", "s"), Map.entry("east", "e"), Map.entry("west", "w"),
            Map.entry("northeast", "ne"), Map.entry("northwest", "nw"), Map.entry("southeast", "se"), Map.entry("southwest", "sw"),
            Map.entry("apartment", "apt"), Map.entry("suite", "ste"), Map.entry("unit", "apt"), Map.entry("floor", "fl"),
            Map.entry("number", "apt"), Map.entry("no", "apt"));
    private static final Pattern NON_ALNUM_SPACE = Pattern.compile("[^a-z0-9 ]+");
    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}");
    private static final List<String> UNIT_MARKERS = List.of("apt", "ste", "fl");
    private static final Map<String, String> COUNTRIES = Map.of(
            "usa", "us", "united states", "us", "united states of america", "us", "america", "us",
            "canada", "ca", "united kingdom", "gb", "uk", "gb", "great britain", "gb");

    public MatchScores.AddressScore score(PostalAddress profile, PostalAddress owner) {
        if (profile == null || owner == null || profile.isEmpty() || owner.isEmpty()) {
            return null;
        }
        String postalA = postal(profile.postalCode());
        String postalB = postal(owner.postalCode());
        Boolean postalMatch = postalA.isEmpty() || postalB.isEmpty() ? null : postalA.equals(postalB);
        if (literal(profile).equals(literal(owner))) {
            return new MatchScores.AddressScore(100, postalMatch);
        }
        Street sa = street(profile.street());
        Street sb = street(owner.street());
        boolean cityEq = same(place(profile.city()), place(owner.city()));
        boolean regionEq = same(place(profile.region()), place(owner.region()));
        boolean countryEq = same(country(profile.country()), country(owner.country()));
        boolean postalEq = Boolean.TRUE.equals(postalMatch);
        boolean streetEq = !sa.base.isEmpty() && sa.base.equals(sb.base);
        boolean unitEq = sa.unit.equals(sb.unit);
        boolean streetTypo = !streetEq && !sa.base.isEmpty() && !sb.base.isEmpty()
                && sameHouseNumber(sa.base, sb.base) && Spelling.slips(sa.base, sb.base) <= 2;

        int score;
        if (streetEq && unitEq && cityEq && regionEq && postalEq && countryEq) {
            score = 95; // same address, written differently
        } else if (streetEq && unitEq && postalEq) {
            score = 90; // city/region/country spelled differently or missing on one side
        } else if (streetEq && postalEq) {
            score = 85; // unit missing or different
        } else if (streetTypo && postalEq) {
            score = 80;
        } else if (streetEq && cityEq && regionEq) {
            score = 75; // postal code missing or mistyped
        } else if (postalEq && sameHouseNumber(sa.base, sb.base)) {
            score = 55;
        } else if (postalEq) {
            score = 45; // same area, another street
        } else {
            score = (int) Math.round(40 * Spelling.similarity(sa.base + " " + sa.unit, sb.base + " " + sb.unit));
        }
        return new MatchScores.AddressScore(score, postalMatch);
    }

    private record Street(String base, String unit) {
    }

    private static Street street(String raw) {
        String s = fold(raw).replace("#", " apt ");
        List<String> tokens = new ArrayList<>();
        for (String t : NON_ALNUM_SPACE.matcher(s).replaceAll(" ").trim().split(" ")) {
            if (!t.isEmpty()) {
                tokens.add(ABBREVIATIONS.getOrDefault(t, t));
            }
        }
        int unitAt = -1;
        for (int i = 1; i < tokens.size(); i++) {
            if (UNIT_MARKERS.contains(tokens.get(i))) {
                unitAt = i;
                break;
            }
        }
        if (unitAt < 0) {
            return new Street(String.join(" ", tokens), "");
        }
        // unit designators are interchangeable ("Apt 4" = "Unit 4" = "#4"): keep only the unit number
        String unit = String.join(" ", tokens.subList(unitAt + 1, tokens.size()));
        return new Street(String.join(" ", tokens.subList(0, unitAt)), unit);
    }

    private static boolean sameHouseNumber(String a, String b) {
        String x = a.split(" ")[0];
        String y = b.split(" ")[0];
        return !x.isEmpty() && Character.isDigit(x.charAt(0)) && x.equals(y);
    }

    private static String literal(PostalAddress a) {
        return String.join("|", fold(a.street()), fold(a.city()), fold(a.region()), fold(a.postalCode()), fold(a.country()))
                .replace("  ", " ");
    }

    private static String place(String s) {
        return NON_ALNUM.matcher(fold(s)).replaceAll(" ").trim();
    }

    private static String country(String s) {
        String c = place(s);
        return COUNTRIES.getOrDefault(c, c);
    }

    /** US ZIP+4 compares on the 5-digit ZIP; other codes without spaces, upper-cased. */
    static String postal(String s) {
        String p = NON_ALNUM.matcher(fold(s)).replaceAll("");
        if (p.matches("\\d{9}")) {
            p = p.substring(0, 5);
        }
        return p;
    }

    /** Blank on either side is not a difference. */
    private static boolean same(String a, String b) {
        return a.isEmpty() || b.isEmpty() || Objects.equals(a, b);
    }

    private static String fold(String s) {
        if (s == null) {
            return "";
        }
        String lower = s.toLowerCase(Locale.ROOT).trim();
        if (ascii(lower)) {
            return lower;
        }
        return MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD)).replaceAll("");
    }

    static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }
}
