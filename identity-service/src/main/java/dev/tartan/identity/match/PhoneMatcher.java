package dev.tartan.identity.match;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Scores phone numbers in the bands of Plaid's Identity guide, on Google's libphonenumber:
 * 100 the same string; 90-99 the same digits written differently ({@code +1-555-867-5309} /
 * {@code 1 (555)-867-5309}); 70-89 the same number with a country code (or extension) on one side only
 * ({@code 5558675309}); below 70 another number.
 */
public final class PhoneMatcher {

    static final int SAME_DIGITS = 95;
    static final int SAME_NUMBER_COUNTRY_CODE_MISSING = 80;
    static final int EXTENSION_DIFFERS = 10;
    static final int LOCAL_NUMBER_ONLY = 70;

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    /** @param defaultRegion ISO region used for numbers written without a country code, e.g. {@code US} */
    public PhoneMatcher(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** A number parsed once (the profile's is compared with every owner number). */
    public record Prepared(String raw, PhoneNumber parsed, String digits, String digitsWithoutExtension) {
    }

    public Prepared prepare(String phone) {
        if (blank(phone)) {
            return null;
        }
        String raw = phone.trim();
        PhoneNumber parsed = parse(raw);
        return new Prepared(raw, parsed, digits(raw), parsed == null ? digits(raw) : digits(stripExtension(raw, parsed)));
    }

    public MatchScores.FieldScore score(String profilePhone, String ownerPhone) {
        return score(prepare(profilePhone), prepare(ownerPhone));
    }

    public MatchScores.FieldScore score(Prepared a, Prepared b) {
        if (a == null || b == null) {
            return null;
        }
        if (a.raw().equals(b.raw())) {
            return new MatchScores.FieldScore(100);
        }
        PhoneNumber pa = a.parsed();
        PhoneNumber pb = b.parsed();
        if (pa == null || pb == null) {
            if (!a.digits().isEmpty() && a.digits().equals(b.digits())) {
                return new MatchScores.FieldScore(SAME_DIGITS);
            }
            return new MatchScores.FieldScore(different(a.digits(), b.digits()));
        }
        boolean sameNumber = pa.getCountryCode() == pb.getCountryCode()
                && pa.getNationalNumber() == pb.getNationalNumber()
                && pa.isItalianLeadingZero() == pb.isItalianLeadingZero();
        int extensionPenalty = pa.getExtension().equals(pb.getExtension()) ? 0 : EXTENSION_DIFFERS;
        if (sameNumber) {
            int base = a.digitsWithoutExtension().equals(b.digitsWithoutExtension()) ? SAME_DIGITS : SAME_NUMBER_COUNTRY_CODE_MISSING;
            return new MatchScores.FieldScore(Math.max(70, base - extensionPenalty));
        }
        String na = String.valueOf(pa.getNationalNumber());
        String nb = String.valueOf(pb.getNationalNumber());
        if (pa.getCountryCode() == pb.getCountryCode() && na.length() != nb.length() && Math.min(na.length(), nb.length()) >= 7
                && (na.endsWith(nb) || nb.endsWith(na))) {
            // one side is the local number without its area code (libphonenumber's SHORT_NSN_MATCH)
            return new MatchScores.FieldScore(LOCAL_NUMBER_ONLY);
        }
        return new MatchScores.FieldScore(different(na, nb));
    }

    /** Another number: at most 40, closer digit strings a little higher (for explanation, never a pass). */
    private static int different(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        return (int) Math.round(40 * Spelling.editSimilarity(a, b));
    }

    private PhoneNumber parse(String s) {
        try {
            return util.parseAndKeepRawInput(s, defaultRegion);
        } catch (NumberParseException e) {
            return null;
        }
    }

    private static String stripExtension(String raw, PhoneNumber parsed) {
        if (parsed.getExtension().isEmpty()) {
            return raw;
        }
        int at = raw.lastIndexOf(parsed.getExtension());
        return at > 0 ? raw.substring(0, at) : raw;
    }

    static String digits(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
