package dev.tartan.identity.policy;

import java.util.Locale;

/** The answer to "does the person who linked this account own it?". */
public enum Outcome {
    VERIFIED, NEEDS_REVIEW, FAILED, UNSUPPORTED;

    /** Wire value in {@code VerificationDecided.decision}: {@code verified}, {@code needs_review}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
