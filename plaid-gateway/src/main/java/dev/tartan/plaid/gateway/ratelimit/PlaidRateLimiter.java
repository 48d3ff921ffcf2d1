package dev.tartan.plaid.gateway.ratelimit;

import dev.tartan.plaid.gateway.PlaidEndpoint;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Client-side rate limits per endpoint, per client (this process) and per Item, sized to Plaid's
 * published limits so that Tartan slows itself down instead of collecting 429s.
 *
 * <p>It never blocks: {@link #reserve} books the earliest slot that respects both limits and says how
 * long to wait for it; the caller schedules the request that much later. A slot further away than the
 * maximum wait is refused and nothing is booked.
 *
 * <p>Limits are per JVM. Plaid counts per client id across every replica of every service: with
 * several replicas, divide the per-client figures between them.
 */
public final class PlaidRateLimiter {

    /** Item buckets are swept after this many reservations, so idle Items don't pile up. */
    private static final int SWEEP_EVERY = 1024;

    /** The outcome of {@link #reserve}: a booked slot {@code delay} from now, or a refusal. */
    public record Reservation(boolean granted, Duration delay) {
    }

    private final Map<PlaidEndpoint, EndpointBuckets> buckets = new EnumMap<>(PlaidEndpoint.class);
    private final long windowNanos;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;

    public PlaidRateLimiter(Map<PlaidEndpoint, RateLimit> limits, Duration window, Duration maxWait, LongSupplier nanoClock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the rate-limit window must be positive");
        }
        this.windowNanos = window.toNanos();
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
        for (PlaidEndpoint endpoint : PlaidEndpoint.values()) {
            buckets.put(endpoint, new EndpointBuckets(limits.getOrDefault(endpoint, RateLimit.NONE)));
        }
    }

    public RateLimit limitOf(PlaidEndpoint endpoint) {
        return buckets.get(endpoint).limit;
    }

    /**
     * Books a permit for one request to {@code endpoint} (for {@code itemId}, when known).
     *
     * @return the wait before the request may be sent, or a refusal when that wait would exceed the maximum
     */
    public Reservation reserve(PlaidEndpoint endpoint, String itemId) {
        EndpointBuckets b = buckets.get(endpoint);
        if (b.limit.isUnlimited()) {
            return new Reservation(true, Duration.ZERO);
        }
        // one lock per endpoint: the client and Item buckets must agree on one slot
        synchronized (b) {
            long now = nanoClock.getAsLong();
            SlidingWindowLog itemLog = (b.limit.perItem() > 0 && itemId != null) ? b.itemLog(itemId, windowNanos) : null;
            long at = now;
            if (b.client != null) {
                at = Math.max(at, b.client.earliest(now));
            }
            if (itemLog != null) {
                at = Math.max(at, itemLog.earliest(now));
            }
            long wait = at - now;
            if (wait > maxWaitNanos) {
                if (itemLog != null && itemLog.isIdle(now)) {
                    b.items.remove(itemId);
                }
                return new Reservation(false, Duration.ofNanos(wait));
            }
            if (b.client != null) {
                b.client.record(at);
            }
            if (itemLog != null) {
                itemLog.record(at);
            }
            if (++b.reservationsSinceSweep >= SWEEP_EVERY) {
                b.sweep(now);
            }
            return new Reservation(true, Duration.ofNanos(wait));
        }
    }

    /** Item buckets currently held for an endpoint (for tests and diagnostics). */
    int trackedItems(PlaidEndpoint endpoint) {
        EndpointBuckets b = buckets.get(endpoint);
        synchronized (b) {
            return b.items.size();
        }
    }

    private final class EndpointBuckets {
        final RateLimit limit;
        final SlidingWindowLog client;
        final Map<String, SlidingWindowLog> items = new HashMap<>();
        int reservationsSinceSweep;

        EndpointBuckets(RateLimit limit) {
            this.limit = limit;
            this.client = limit.perClient() > 0 ? new SlidingWindowLog(limit.perClient(), windowNanos) : null;
        }

        SlidingWindowLog itemLog(String itemId, long windowNanos) {
            return items.computeIfAbsent(itemId, id -> new SlidingWindowLog(limit.perItem(), windowNanos));
        }

        void sweep(long now) {
            reservationsSinceSweep = 0;
            for (Iterator<SlidingWindowLog> it = items.values().iterator(); it.hasNext(); ) {
                if (it.next().isIdle(now)) {
                    it.remove();
                }
            }
        }
    }
}
