package dev.tartan.identity.match;

import java.util.Locale;

/**
 * Scores e-mail addresses: 100 the same address (case-insensitive); 90 the same mailbox written with a
 * {@code +tag} or, at Gmail, with dots in the local part; below 70 another address (at most 40).
 */
public final class EmailMatcher {

    static final int SAME_MAILBOX = 90;

    public MatchScores.FieldScore score(String profileEmail, String ownerEmail) {
        if (blank(profileEmail) || blank(ownerEmail)) {
            return null;
        }
        String a = profileEmail.trim().toLowerCase(Locale.ROOT);
        String b = ownerEmail.trim().toLowerCase(Locale.ROOT);
        if (a.equals(b)) {
            return new MatchScores.FieldScore(100);
        }
        if (canonical(a).equals(canonical(b))) {
            return new MatchScores.FieldScore(SAME_MAILBOX);
        }
        return new MatchScores.FieldScore((int) Math.round(40 * Spelling.editSimilarity(a, b)));
    }

    static String canonical(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return email;
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        if (domain.equals("googlemail.com")) {
            domain = "gmail.com";
        }
        if (domain.equals("gmail.com")) {
            local = local.replace(".", "");
        }
        return local + "@" + domain;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
