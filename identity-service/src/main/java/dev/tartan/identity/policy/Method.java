package dev.tartan.identity.policy;

/** Which evidence produced a decision. */
public enum Method {
    IDENTITY_MATCH, DOCUMENT_UPLOAD, DATABASE_INSIGHTS, MICRO_DEPOSITS, MANUAL_REVIEW
}
