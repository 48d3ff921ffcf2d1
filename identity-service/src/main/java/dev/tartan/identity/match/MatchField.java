package dev.tartan.identity.match;

import java.util.Locale;

/** The four fields Identity Match scores. */
public enum MatchField {
    LEGAL_NAME, PHONE_NUMBER, EMAIL_ADDRESS, ADDRESS;

    /** {@code legal-name}, as used in configuration keys. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
