package dev.tartan.identity.policy;

/** How the per-field results combine into one decision. */
public enum Combination {
    /** Every required field passes, and every other field that could be compared passes too. */
    ALL_COMPARED,
    /** Every required field passes, and at least {@code min-optional-passing} of the other compared fields pass. */
    REQUIRED_PLUS_ANY
}
