package dev.tartan.identity.match;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Spelling distance between two normalised tokens, on Apache Commons Text: Levenshtein edits plus one
 * adjacent transposition ("simth"/"smith") counted as a single slip, as a typist makes it.
 */
final class Spelling {

    private static final LevenshteinDistance LEVENSHTEIN = LevenshteinDistance.getDefaultInstance();
    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private Spelling() {
    }

    /** Number of slips between a and b: Levenshtein distance, with a single adjacent swap counting 1. */
    static int slips(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        if (isSingleTransposition(a, b)) {
            return 1;
        }
        return LEVENSHTEIN.apply(a, b);
    }

    /**
     * Whether b is a likely misspelling of a: one slip for tokens of 4+ letters, two for 8+ letters.
     * Shorter tokens must match exactly (a one-letter change in "ann" or "tom" is another name).
     */
    static boolean isTypo(String a, String b) {
        if (a.equals(b)) {
            return false;
        }
        int shortest = Math.min(a.length(), b.length());
        int slips = slips(a, b);
        if (slips == 1) {
            return shortest >= 4 && (shortest >= 5 || isSingleTransposition(a, b));
        }
        return slips == 2 && shortest >= 8;
    }

    static double similarity(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        return JARO_WINKLER.apply(a, b);
    }

    /** 1 - Levenshtein / longest length. */
    static double editSimilarity(String a, String b) {
        int longest = Math.max(a.length(), b.length());
        if (longest == 0) {
            return 1;
        }
        return 1.0 - (double) LEVENSHTEIN.apply(a, b) / longest;
    }

    private static boolean isSingleTransposition(String a, String b) {
        if (a.length() != b.length() || a.length() < 2) {
            return false;
        }
        int first = -1;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                first = i;
                break;
            }
        }
        if (first < 0 || first + 1 >= a.length()) {
            return false;
        }
        if (a.charAt(first) != b.charAt(first + 1) || a.charAt(first + 1) != b.charAt(first)) {
            return false;
        }
        return a.substring(first + 2).equals(b.substring(first + 2));
    }
}
