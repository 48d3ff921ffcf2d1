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

    public MatchScores.FieldScore score(String profilePhone, String ownerPhone) {
        if (blank(profilePhone) || blank(ownerPhone)) {
            return null;
        }
        String a = profilePhone.trim();
        String b = ownerPhone.trim();
        if (a.equals(b)) {
            return new MatchScores.FieldScore(100);
        }
        PhoneNumber pa = parse(a);
        PhoneNumber pb = parse(b);
        if (pa == null || pb == null) {
            String da = digits(a);
            String db = digits(b);
            if (!da.isEmpty() && da.equals(db)) {
                return new MatchScores.FieldScore(SAME_DIGITS);
            }
            return new MatchScores.FieldScore(different(da, db));
        }
        boolean sameNumber = pa.getCountryCode() == pb.getCountryCode()
                && pa.getNationalNumber() == pb.getNationalNumber()
                && pa.isItalianLeadingZero() == pb.isItalianLeadingZero();
        int extensionPenalty = pa.getExtension().equals(pb.getExtension()) ? 0 : EXTENSION_DIFFERS;
        if (sameNumber) {
            boolean sameDigits = digits(stripExtension(a, pa)).equals(digits(stripExtension(b, pb)));
            int base = sameDigits ? SAME_DIGITS : SAME_NUMBER_COUNTRY_CODE_MISSING;
            return new MatchScores.FieldScore(Math.max(70, base - extensionPenalty));
        }
        PhoneNumberUtil.MatchType type = util.isNumberMatch(pa, pb);
        if (type == PhoneNumberUtil.MatchType.SHORT_NSN_MATCH) {
            // one side is the local number without its area code
            return new MatchScores.FieldScore(LOCAL_NUMBER_ONLY);
        }
        return new MatchScores.FieldScore(different(String.valueOf(pa.getNationalNumber()), String.valueOf(pb.getNationalNumber())));
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
