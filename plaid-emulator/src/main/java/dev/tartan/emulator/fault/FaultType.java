package dev.tartan.emulator.fault;

/** What an injected fault does to a matching Plaid call. */
public enum FaultType {
    /** HTTP 429 {@code RATE_LIMIT_EXCEEDED}. */
    RATE_LIMIT,
    /** HTTP 500 {@code API_ERROR / INTERNAL_SERVER_ERROR}. */
    SERVER_ERROR_500,
    /** HTTP 503 {@code API_ERROR / PLANNED_MAINTENANCE}. */
    SERVER_ERROR_503,
    /** The call is answered normally after {@code latency_ms}. */
    LATENCY
}
