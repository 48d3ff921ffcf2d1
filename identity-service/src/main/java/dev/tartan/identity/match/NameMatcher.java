package dev.tartan.identity.match;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scores a legal name against a bank's owner name in the bands of Plaid's Identity guide:
 * <ul>
 *   <li>100 exact;</li>
 *   <li>85-99 strong: one spelling slip, a nickname, a missing middle name, prefix or suffix;</li>
 *   <li>70-84 possible: alias or nickname plus a spelling slip (two defects), or an initial for a first name;</li>
 *   <li>50-69 likely a relative: same family name, different given name (or a conflicting Jr/Sr);</li>
 *   <li>below 50 unrelated.</li>
 * </ul>
 * Each defect costs points (see the constants); the sum is clamped into the band the defects describe.
 */
public final class NameMatcher {

    static final int PENALTY_PREFIX_SUFFIX = 3;
    static final int PENALTY_MIDDLE_INITIAL_ONLY = 2;
    static final int PENALTY_MISSING_MIDDLE = 5;
    static final int PENALTY_DIFFERENT_MIDDLE = 12;
    static final int PENALTY_SWAPPED_ORDER = 5;
    static final int PENALTY_NICKNAME = 8;
    static final int PENALTY_TYPO = 10;
    static final int PENALTY_TYPO_TWO_SLIPS = 13;
    static final int PENALTY_INITIAL = 16;

    private static final Set<String> PREFIXES = Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "madam", "fr");
    private static final Set<String> SUFFIXES = Set.of("jr", "sr", "ii", "iii", "iv", "md", "phd", "esq", "dds", "cpa", "dvm", "rn");
    private static final Set<String> GENERATIONAL = Set.of("jr", "sr", "ii", "iii", "iv");
    private static final Set<String> BUSINESS = Set.of("corp", "corporation", "llc", "inc", "incorporated", "ltd",
            "limited", "co", "company", "lp", "llp", "plc", "gmbh", "pllc", "trust", "holdings");

    private static final java.util.regex.Pattern MARKS = java.util.regex.Pattern.compile("\\p{M}");
    private static final java.util.regex.Pattern NON_ALNUM = java.util.regex.Pattern.compile("[^a-z0-9]+");

    private final NicknameTable nicknames;

    public NameMatcher(NicknameTable nicknames) {
        this.nicknames = nicknames;
    }

    /** How two given-name (or family-name) tokens relate, with the points the difference costs. */
    enum Relation {
        EXACT(0), NICKNAME(PENALTY_NICKNAME), TYPO(PENALTY_TYPO), TYPO_TWO_SLIPS(PENALTY_TYPO_TWO_SLIPS),
        NICKNAME_AND_TYPO(PENALTY_NICKNAME + PENALTY_TYPO), INITIAL(PENALTY_INITIAL), NONE(-1);

        final int penalty;

        Relation(int penalty) {
            this.penalty = penalty;
        }
    }

    /** A name split into prefixes, core tokens (given, middle..., family) and suffixes. */
    record ParsedName(String normalized, List<String> prefixes, List<String> core, List<String> suffixes, boolean business) {
        String first() {
            return core.get(0);
        }

        String last() {
            return core.get(core.size() - 1);
        }

        List<String> middles() {
            return core.size() > 2 ? core.subList(1, core.size() - 1) : List.of();
        }
    }

    public MatchScores.NameScore score(String profileName, String ownerName) {
        if (blank(profileName) || blank(ownerName)) {
            return null;
        }
        ParsedName a = parse(profileName);
        ParsedName b = parse(ownerName);
        boolean business = a.business() || b.business();
        if (a.core().isEmpty() || b.core().isEmpty()) {
            return new MatchScores.NameScore(0, false, false, business);
        }
        if (a.normalized().equals(b.normalized())) {
            return new MatchScores.NameScore(100, true, false, business);
        }
        Result straight = compare(a, b.core(), 0);
        Result best = straight;
        if (b.core().size() >= 2) {
            List<String> swapped = new ArrayList<>(b.core());
            String last = swapped.remove(swapped.size() - 1);
            swapped.add(0, last);
            Result swappedResult = compare(a, swapped, PENALTY_SWAPPED_ORDER);
            if (swappedResult.score > best.score) {
                best = swappedResult;
            }
        }
        int score = best.score;
        // Jr versus Sr (or II versus III) with the same core name: father and son, a relative
        if (conflictingGenerations(a.suffixes(), b.suffixes()) && score >= 70) {
            score = 65;
        } else if (score >= 70 && (!a.prefixes().equals(b.prefixes()) || !a.suffixes().equals(b.suffixes()))) {
            score = Math.max(70, Math.min(99, score - PENALTY_PREFIX_SUFFIX));
        }
        return new MatchScores.NameScore(score, best.firstOrLastMatch, best.nickname, business);
    }

    private record Result(int score, boolean firstOrLastMatch, boolean nickname) {
    }

    private Result compare(ParsedName a, List<String> bCore, int extraPenalty) {
        List<String> aCore = a.core();
        if (aCore.size() == 1 || bCore.size() == 1) {
            return compareSingle(aCore, bCore);
        }
        Relation first = givenRelation(aCore.get(0), bCore.get(0));
        Relation last = familyRelation(aCore.get(aCore.size() - 1), bCore.get(bCore.size() - 1));
        boolean nickname = first == Relation.NICKNAME || first == Relation.NICKNAME_AND_TYPO;
        if (first != Relation.NONE && last != Relation.NONE) {
            int penalty = extraPenalty + first.penalty + last.penalty
                    + middlePenalty(aCore.subList(1, aCore.size() - 1), bCore.subList(1, bCore.size() - 1));
            int score = 100 - penalty;
            if (penalty == 0) {
                score = 99; // same tokens but the strings differ (punctuation, spacing): not literally exact
            }
            return new Result(Math.max(70, Math.min(99, score)), true, nickname);
        }
        if (last != Relation.NONE) {
            // same family, another given name: the guide's "likely relative"
            return new Result(last == Relation.EXACT ? 60 : 55, true, false);
        }
        if (first != Relation.NONE) {
            // same given name, another family name: not the same person unless the name changed
            return new Result(45, true, nickname);
        }
        double similarity = Spelling.similarity(String.join(" ", aCore), String.join(" ", bCore));
        return new Result((int) Math.round(40 * similarity), false, false);
    }

    /** One side is a single token ("Cher", or a bank that keeps only a family name). */
    private Result compareSingle(List<String> aCore, List<String> bCore) {
        if (aCore.size() == 1 && bCore.size() == 1) {
            Relation r = givenRelation(aCore.get(0), bCore.get(0));
            if (r == Relation.NONE) {
                return new Result((int) Math.round(40 * Spelling.similarity(aCore.get(0), bCore.get(0))), false, false);
            }
            return new Result(Math.max(70, 99 - r.penalty), true, r == Relation.NICKNAME);
        }
        List<String> single = aCore.size() == 1 ? aCore : bCore;
        List<String> full = aCore.size() == 1 ? bCore : aCore;
        String token = single.get(0);
        if (familyRelation(token, full.get(full.size() - 1)) != Relation.NONE
                || givenRelation(token, full.get(0)) != Relation.NONE) {
            return new Result(50, true, false);
        }
        return new Result((int) Math.round(40 * Spelling.similarity(token, String.join(" ", full))), false, false);
    }

    private int middlePenalty(List<String> a, List<String> b) {
        if (a.isEmpty() && b.isEmpty()) {
            return 0;
        }
        if (a.isEmpty() || b.isEmpty()) {
            return PENALTY_MISSING_MIDDLE;
        }
        String x = a.get(0);
        String y = b.get(0);
        if (x.equals(y)) {
            return a.size() == b.size() ? 0 : PENALTY_MISSING_MIDDLE;
        }
        if ((x.length() == 1 || y.length() == 1) && x.charAt(0) == y.charAt(0)) {
            return PENALTY_MIDDLE_INITIAL_ONLY;
        }
        if (Spelling.isTypo(x, y)) {
            return PENALTY_TYPO;
        }
        return PENALTY_DIFFERENT_MIDDLE;
    }

    Relation givenRelation(String a, String b) {
        if (a.equals(b)) {
            return Relation.EXACT;
        }
        if ((a.length() == 1 || b.length() == 1) && a.charAt(0) == b.charAt(0)) {
            return Relation.INITIAL;
        }
        if (nicknames.related(a, b)) {
            return Relation.NICKNAME;
        }
        Relation typo = typo(a, b);
        if (typo != Relation.NONE) {
            return typo;
        }
        for (String alias : nicknames.relatedTo(a)) {
            if (Spelling.isTypo(alias, b)) {
                return Relation.NICKNAME_AND_TYPO;
            }
        }
        for (String alias : nicknames.relatedTo(b)) {
            if (Spelling.isTypo(a, alias)) {
                return Relation.NICKNAME_AND_TYPO;
            }
        }
        return Relation.NONE;
    }

    static Relation familyRelation(String a, String b) {
        if (a.equals(b)) {
            return Relation.EXACT;
        }
        return typo(a, b);
    }

    private static Relation typo(String a, String b) {
        if (!Spelling.isTypo(a, b)) {
            return Relation.NONE;
        }
        return Spelling.slips(a, b) >= 2 ? Relation.TYPO_TWO_SLIPS : Relation.TYPO;
    }

    static ParsedName parse(String raw) {
        String s = raw.toLowerCase(Locale.ROOT);
        if (!AddressMatcher.ascii(s)) {
            s = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
        }
        // "Smith, Andrew J." -> "Andrew J. Smith" unless what follows the comma is only a suffix ("Smith, Jr.")
        int comma = s.indexOf(',');
        if (comma > 0) {
            String before = s.substring(0, comma);
            String after = s.substring(comma + 1);
            List<String> afterTokens = tokens(after);
            if (!afterTokens.isEmpty() && !afterTokens.stream().allMatch(SUFFIXES::contains)) {
                s = after + " " + before;
            } else {
                s = before + " " + after;
            }
        }
        List<String> all = tokens(s);
        List<String> prefixes = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<String> core = new ArrayList<>(all);
        while (core.size() > 1 && PREFIXES.contains(core.get(0))) {
            prefixes.add(core.remove(0));
        }
        while (core.size() > 1 && SUFFIXES.contains(core.get(core.size() - 1))) {
            suffixes.add(0, core.remove(core.size() - 1));
        }
        boolean business = all.stream().anyMatch(BUSINESS::contains);
        return new ParsedName(String.join(" ", all), prefixes, core, suffixes, business);
    }

    private static List<String> tokens(String s) {
        String cleaned = NON_ALNUM.matcher(s.replace("'", "").replace("’", "")).replaceAll(" ").trim();
        if (cleaned.isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(Arrays.asList(cleaned.split(" ")));
    }

    private static boolean conflictingGenerations(List<String> a, List<String> b) {
        String x = a.stream().filter(GENERATIONAL::contains).findFirst().orElse(null);
        String y = b.stream().filter(GENERATIONAL::contains).findFirst().orElse(null);
        return x != null && y != null && !x.equals(y);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
