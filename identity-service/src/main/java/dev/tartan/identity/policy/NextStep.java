package dev.tartan.identity.policy;

/** What would settle a decision that is not {@code verified}. */
public enum NextStep {
    /** Send the user through update mode to add Identity consent to the Item. */
    IDENTITY_CONSENT,
    /** Ask the user to upload a bank statement (Identity Document Upload). */
    DOCUMENT_UPLOAD,
    /** A person at the fraud team decides. */
    MANUAL_REVIEW
}
