package dev.tartan.plaid.gateway.retry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How many times a call is tried and how long to wait in between: exponential back-off with "equal
 * jitter" (half the step fixed, half random). The fixed half keeps a floor under the wait so a
 * 429 storm really backs off; the random half spreads retries of many callers apart.
 *
 * <p>Which failures are retried is decided by the caller ({@code PlaidGateway}): 429, 5xx and I/O
 * failures; never other 4xx.
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final long initialNanos;
    private final long maxNanos;
    private final RandomGenerator random;

    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, RandomGenerator random) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("tartan.plaid.retry.max-attempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("tartan.plaid.retry back-offs must satisfy 0 <= initial-backoff <= max-backoff, were "
                    + initialBackoff + " and " + maxBackoff);
        }
        this.maxAttempts = maxAttempts;
        this.initialNanos = initialBackoff.toNanos();
        this.maxNanos = maxBackoff.toNanos();
        this.random = random;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether another attempt may follow attempt number {@code attempt} (1-based). */
    public boolean mayRetryAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The step before the retry that follows attempt {@code attempt}: initial × 2^(attempt-1), capped. */
    public Duration ceilingAfter(int attempt) {
        int shift = Math.min(attempt - 1, 62);
        long step = initialNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, initialNanos << shift);
        return Duration.ofNanos(step);
    }

    /** The wait before the retry that follows attempt {@code attempt}: between half the step and the step. */
    public Duration backoffAfter(int attempt) {
        long step = ceilingAfter(attempt).toNanos();
        long half = step / 2;
        long jitter = half == 0 ? 0 : random.nextLong(step - half + 1);
        return Duration.ofNanos(half + jitter);
    }

    /**
     * The wait when Plaid also said how long ({@code Retry-After}, not documented by Plaid but honoured
     * when present): the longer of the two, still capped at the maximum back-off.
     */
    public Duration backoffAfter(int attempt, Duration retryAfter) {
        Duration own = backoffAfter(attempt);
        if (retryAfter == null || retryAfter.compareTo(own) <= 0) {
            return own;
        }
        return retryAfter.toNanos() > maxNanos ? Duration.ofNanos(maxNanos) : retryAfter;
    }
}
