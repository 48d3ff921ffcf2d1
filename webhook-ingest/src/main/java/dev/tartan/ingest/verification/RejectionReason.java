package dev.tartan.ingest.verification;

/**
 * Why a delivery was refused. The {@link #code()} is the metric tag ({@code tartan_webhooks_rejected_total{reason}}),
 * the JSON error code and the value stored in the rejection audit; it never changes once published.
 */
public enum RejectionReason {
    /** No {@code Plaid-Verification} header. */
    MISSING_HEADER(401),
    /** The header is not a compact JWS (garbled, truncated, not base64url, header not JSON). */
    MALFORMED_JWT(401),
    /** {@code alg} is not exactly ES256 ({@code none}, HS256, RS256, ...). */
    ALG_NOT_ALLOWED(401),
    /** Plaid does not know the {@code kid} (or it is remembered as unknown). */
    UNKNOWN_KID(401),
    /** The key has an {@code expired_at}: retired by Plaid. */
    KEY_EXPIRED(401),
    /** The key could not be fetched now (key endpoint failing, fetch budget exhausted); Plaid retries. */
    KEY_UNAVAILABLE(401),
    /** ES256 signature does not verify with the key. */
    BAD_SIGNATURE(401),
    /** Claims missing or of the wrong type ({@code iat}, {@code request_body_sha256}). */
    BAD_CLAIMS(401),
    /** {@code iat} older than the allowed age (5 minutes). */
    STALE_IAT(401),
    /** {@code iat} further in the future than the allowed clock skew. */
    FUTURE_IAT(401),
    /** SHA-256 of the raw body differs from {@code request_body_sha256}. */
    BODY_HASH_MISMATCH(401),
    /** Source address not in the allow-list. */
    SOURCE_NOT_ALLOWED(401),
    /** Body larger than the configured limit. */
    BODY_TOO_LARGE(413),
    /** Body is not valid UTF-8. */
    INVALID_UTF8(400),
    /** Body is not a JSON object with string {@code webhook_type} and {@code webhook_code}. */
    MALFORMED_BODY(400);

    private final int status;

    RejectionReason(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
