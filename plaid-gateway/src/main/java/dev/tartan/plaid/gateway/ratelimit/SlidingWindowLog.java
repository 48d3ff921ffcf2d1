package dev.tartan.plaid.gateway.ratelimit;

/**
 * The times of the last {@code limit} permits granted for one bucket (an endpoint, or an endpoint and
 * an Item), kept sorted. A new permit at {@code t} is safe when {@code t} is at least one window after
 * the {@code limit}-th latest grant: then every window that contains {@code t} holds only {@code t} and
 * grants later than that one, at most {@code limit - 1} of them. This holds even when grants arrive out
 * of time order (a call pushed into the future by its Item's limit, then another Item's call granted
 * now), which a plain ring of insertion order would miss.
 *
 * <p>Not thread-safe: {@link PlaidRateLimiter} locks around it.
 */
final class SlidingWindowLog {

    private final int limit;
    private final long windowNanos;
    private long[] grants; // circular buffer, ascending from head
    private int head;
    private int size;

    SlidingWindowLog(int limit, long windowNanos) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive");
        }
        this.limit = limit;
        this.windowNanos = windowNanos;
        // grows on demand: a per-client limit of 15,000 should not cost 120 KB while idle
        this.grants = new long[Math.min(limit, 16)];
    }

    /** Earliest time at or after {@code now} at which one more permit is allowed. */
    long earliest(long now) {
        if (size < limit) {
            return now;
        }
        long oldestKept = grants[head]; // with `limit` grants kept, the oldest is the limit-th latest
        return Math.max(now, oldestKept + windowNanos);
    }

    /** Records a permit at {@code at}, which must be {@code >= earliest(...)} for the guarantee to hold. */
    void record(long at) {
        if (size == limit) {
            head = (head + 1) % grants.length; // drop the oldest
            size--;
        } else if (size == grants.length) {
            grow();
        }
        // insertion sort from the tail: almost always lands at the end
        int pos = size;
        while (pos > 0 && grants[index(pos - 1)] > at) {
            grants[index(pos)] = grants[index(pos - 1)];
            pos--;
        }
        grants[index(pos)] = at;
        size++;
    }

    /** True when no grant in the log can hold back a future permit. */
    boolean isIdle(long now) {
        return size == 0 || grants[index(size - 1)] + windowNanos <= now;
    }

    private int index(int logical) {
        return (head + logical) % grants.length;
    }

    private void grow() {
        long[] bigger = new long[Math.min(limit, grants.length * 2)];
        for (int i = 0; i < size; i++) {
            bigger[i] = grants[index(i)];
        }
        grants = bigger;
        head = 0;
    }
}
