package dev.tartan.plaid.gateway;

import java.util.Optional;

/**
 * Plaid could not be reached usefully: network failure or timeout, 429/5xx still there after every
 * retry, no rate-limit permit within the allowed wait, or an answer that is not Plaid's JSON. Transient
 * by nature: try again later (a Kafka consumer pauses or retries; it does not dead-letter on this).
 * Distinct from {@link PlaidApiException}, which is Plaid's verdict on the request.
 */
public class PlaidUnavailableException extends RuntimeException {

    public enum Reason {
        /** Connection refused or reset, DNS, TLS: an {@link java.io.IOException}. */
        NETWORK,
        /** Connect, read or write timeout. */
        TIMEOUT,
        /** Plaid answered 429 or 5xx on the last attempt; {@link #lastPlaidError()} has it. */
        PLAID_ERROR,
        /** The client-side rate limiter had no permit within {@code tartan.plaid.rate-limit-max-wait}; nothing was sent. */
        RATE_LIMIT_WAIT,
        /** A 2xx whose body did not parse. */
        INVALID_RESPONSE
    }

    private final PlaidEndpoint endpoint;
    private final Reason reason;
    private final int attempts;

    public PlaidUnavailableException(PlaidEndpoint endpoint, Reason reason, int attempts, String message, Throwable cause) {
        super("Plaid " + endpoint.path() + " unavailable (" + reason + ", " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                + "): " + message, cause);
        this.endpoint = endpoint;
        this.reason = reason;
        this.attempts = attempts;
    }

    public PlaidEndpoint endpoint() {
        return endpoint;
    }

    public Reason reason() {
        return reason;
    }

    /** Requests actually sent to Plaid (0 when the rate limiter gave up first). */
    public int attempts() {
        return attempts;
    }

    /** Plaid's error from the last attempt, when there was one. */
    public Optional<PlaidApiException> lastPlaidError() {
        return getCause() instanceof PlaidApiException e ? Optional.of(e) : Optional.empty();
    }

    /** {@code request_id} of the last attempt's error, or {@code null}. */
    public String requestId() {
        return lastPlaidError().map(PlaidApiException::requestId).orElse(null);
    }
}
